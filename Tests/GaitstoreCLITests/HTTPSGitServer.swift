import Foundation
import TestSupport
import XCTest

/// A real smart-HTTP git server over TLS on 127.0.0.1: nginx terminates TLS and hands requests to
/// `git http-backend` through fcgiwrap, the way a self-hosted server is commonly set up. Its
/// certificate comes from a throwaway CA made with `openssl` in `directory`, valid for
/// `DNS:localhost` and `IP:127.0.0.1`.
///
/// Both daemons run in the foreground as children of the test and are stopped by PID in `stop()`.
final class HTTPSGitServer {
    let directory: String
    let port: Int
    /// The CA that signed the server's certificate, for `GIT_SSL_CAINFO`.
    var caFile: String { directory + "/ca.crt" }
    /// The directory `git http-backend` serves; `<root>/remote.git` is the bare repository.
    var root: String { directory + "/served" }
    var repository: String { root + "/remote.git" }
    /// By host name: mbedTLS, under libgit2, cannot match a certificate's IP addresses.
    var url: String { "https://localhost:\(port)/remote.git" }

    private var processes: [Process] = []

    init(directory: String) throws {
        self.directory = directory
        port = try Loopback.freePort()
    }

    static let nginx = "/usr/sbin/nginx"
    static let fcgiwrap = "/usr/sbin/fcgiwrap"

    /// Makes the certificates and the served repository, starts fcgiwrap and nginx, and waits until
    /// stock git can list the repository.
    func start() throws {
        for tool in [Self.nginx, Self.fcgiwrap] {
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing (scripts/setup.sh installs nginx and fcgiwrap)")
        }
        try FileManager.default.createDirectory(atPath: directory + "/nginx-temp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try makeCertificates()
        try check(["/usr/bin/git", "init", "-q", "--bare", repository])
        // Without an authenticated user, http-backend refuses pushes unless the repository allows them.
        try check(["/usr/bin/git", "-C", repository, "config", "http.receivepack", "true"])
        try writeConfiguration()

        let socket = directory + "/fcgiwrap.sock"
        try launch(Self.fcgiwrap, ["-s", "unix:\(socket)"])
        try launch(Self.nginx, ["-e", directory + "/nginx-error.log", "-p", directory, "-c", directory + "/nginx.conf"])
        if try CLI.waitUntilListed(url, environment: ["GIT_SSL_CAINFO": caFile]) { return }
        let log = (try? String(contentsOfFile: directory + "/nginx-error.log", encoding: .utf8)) ?? ""
        throw NotStarted(port: port, log: log)
    }

    struct NotStarted: Error, CustomStringConvertible {
        let port: Int
        let log: String
        var description: String { "the https git server did not come up on port \(port): \(log)" }
    }

    /// Stops both daemons by PID; safe to call more than once and after a failed start.
    func stop() {
        for process in processes.reversed() where process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        processes.removeAll()
    }

    private func launch(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        processes.append(process)
    }

    private func makeCertificates() throws {
        try """
            [server]
            subjectAltName = DNS:localhost, IP:127.0.0.1
            basicConstraints = CA:FALSE
            keyUsage = digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            """.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try check(["/usr/bin/openssl", "req", "-x509"] + ec + ["-keyout", directory + "/ca.key", "-out", caFile,
                   "-days", "2", "-subj", "/CN=gaitstore test CA"])
        try check(["/usr/bin/openssl", "req"] + ec + ["-keyout", directory + "/server.key", "-out", directory + "/server.csr",
                   "-subj", "/CN=localhost"])
        try check(["/usr/bin/openssl", "x509", "-req", "-in", directory + "/server.csr", "-CA", caFile, "-CAkey", directory + "/ca.key",
                   "-CAcreateserial", "-days", "2", "-extfile", directory + "/server.ext", "-extensions", "server",
                   "-out", directory + "/server.crt"])
    }

    /// One process, in the foreground, everything it writes kept under `directory`.
    private func writeConfiguration() throws {
        let temp = directory + "/nginx-temp"
        try """
            daemon off;
            master_process off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/nginx-error.log;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path \(temp)/body;
              proxy_temp_path \(temp)/proxy;
              fastcgi_temp_path \(temp)/fastcgi;
              uwsgi_temp_path \(temp)/uwsgi;
              scgi_temp_path \(temp)/scgi;
              client_max_body_size 0;
              server {
                listen 127.0.0.1:\(port) ssl;
                server_name localhost;
                ssl_certificate \(directory)/server.crt;
                ssl_certificate_key \(directory)/server.key;
                location / {
                  fastcgi_pass unix:\(directory)/fcgiwrap.sock;
                  fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                  fastcgi_param GIT_PROJECT_ROOT \(root);
                  fastcgi_param GIT_HTTP_EXPORT_ALL "";
                  fastcgi_param PATH_INFO $uri;
                  fastcgi_param QUERY_STRING $query_string;
                  fastcgi_param REQUEST_METHOD $request_method;
                  fastcgi_param CONTENT_TYPE $content_type;
                  fastcgi_param CONTENT_LENGTH $content_length;
                  fastcgi_param HTTP_CONTENT_ENCODING $http_content_encoding;
                  fastcgi_param GIT_PROTOCOL $http_git_protocol;
                  fastcgi_param REMOTE_ADDR $remote_addr;
                }
              }
            }
            """.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
    }

    private func check(_ command: [String]) throws {
        let result = try CLI.run(Array(command.dropFirst()), executable: URL(fileURLWithPath: command[0]))
        XCTAssertEqual(result.status, 0, "\(command.joined(separator: " ")): \(result.stderr)")
    }
}
