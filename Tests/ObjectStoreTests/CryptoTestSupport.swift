import Foundation
import TestSupport
import XCTest

typealias CryptoTestShell = ToolShell
typealias CryptoScratchDirectory = ScratchDirectory
