/// Feeds units to the worker pool and hands the results back strictly in submission order, with
/// a bounded amount of input in flight. The archive is written sequentially (the local header
/// carries zeros, the CRC and sizes follow the data), so in-order delivery is all the assembler
/// needs, and memory stays bounded whatever the archive size.
final class DeflatePipeline {
    /// Small units are grouped until a batch holds this much input.
    static let batchTargetBytes = 256 << 10
    static let batchMaxUnits = 256
    /// Input bytes submitted but not yet written out; with outputs, about twice this in memory.
    static let maxInFlightBytes = 8 << 20
    static let maxInFlightBatches = 64

    private let pool: DeflateWorkerPool
    private let deliver: (DeflateUnit, DeflatedUnit) throws -> Void
    private var pending = ZipFIFO<DeflateBatch>()
    private var inFlightBytes = 0
    private var forming: [DeflateUnit] = []
    private var formingBytes = 0

    init(workers: Int, deliver: @escaping (DeflateUnit, DeflatedUnit) throws -> Void) {
        self.pool = DeflateWorkerPool(workers: workers)
        self.deliver = deliver
    }

    deinit {
        pool.shutdown()
    }

    func submit(_ unit: DeflateUnit) throws {
        forming.append(unit)
        formingBytes += unit.input.count
        if formingBytes >= Self.batchTargetBytes || forming.count >= Self.batchMaxUnits {
            try submitFormingBatch()
        }
    }

    /// Submits what is left and delivers every result.
    func finish() throws {
        try submitFormingBatch()
        while !pending.isEmpty {
            try deliverOldest()
        }
    }

    private func submitFormingBatch() throws {
        guard !forming.isEmpty else { return }
        let batch = DeflateBatch(units: forming)
        forming = []
        formingBytes = 0
        while !pending.isEmpty
            && (pending.count >= Self.maxInFlightBatches || inFlightBytes + batch.inputBytes > Self.maxInFlightBytes) {
            try deliverOldest()
        }
        pending.append(batch)
        inFlightBytes += batch.inputBytes
        pool.submit(batch)
    }

    private func deliverOldest() throws {
        guard let batch = pending.popFirst() else { return }
        inFlightBytes -= batch.inputBytes
        let results = try batch.waitForResults()
        for (unit, result) in zip(batch.units, results) {
            try deliver(unit, result)
        }
    }
}
