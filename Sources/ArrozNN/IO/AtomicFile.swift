// AtomicFile: write to a temporary file in the same directory, fsync, rename — never a half-written file.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file descriptor being filled by `AtomicFile.write`.
public struct AtomicFileWriter {
    let fd: Int32
    let path: String

    /// Writes all `count` bytes at `bytes`, retrying short writes and EINTR.
    public func write(_ bytes: UnsafeRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = Glibc_write(fd, bytes + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError.writeFailed(file: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { try write(base, count: raw.count) }
        }
    }
}

@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}

public enum AtomicFile {
    /// The temporary name used while writing `path`: a hidden sibling, so the rename stays on one filesystem.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        return dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
    }

    /// Calls `body` to fill a temporary file next to `path`, then fsyncs it, renames it over `path` and
    /// fsyncs the directory (so the rename itself is durable). On any error the temporary file is removed and
    /// `path` is untouched.
    public static func write(to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        let tmp = temporaryPath(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw SafeTensorsError.writeFailed(
                file: path, reason: "create \(tmp): " + String(cString: strerror(errno)))
        }
        var closed = false
        do {
            try body(AtomicFileWriter(fd: fd, path: path))
            guard fsync(fd) == 0 else {
                throw SafeTensorsError.writeFailed(
                    file: path, reason: "fsync: " + String(cString: strerror(errno)))
            }
            closed = true
            guard close(fd) == 0 else {
                throw SafeTensorsError.writeFailed(
                    file: path, reason: "close: " + String(cString: strerror(errno)))
            }
            guard rename(tmp, path) == 0 else {
                throw SafeTensorsError.writeFailed(
                    file: path, reason: "rename: " + String(cString: strerror(errno)))
            }
        } catch {
            if !closed { close(fd) }
            unlink(tmp)
            throw error
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
