import Crypto
import Foundation
import Glibc

/// Why a file in a drop directory was not even read.
public enum Refusal: Error, Sendable, Equatable {
    /// A symbolic link, FIFO, socket, device or directory: only regular files are read.
    case notRegular(String)
    case tooLarge(size: Int64, limit: Int64)
    /// It disappeared before it could be read (a writer renamed it away): not an error.
    case vanished
    case unreadable(String)

    /// The problem as it goes into the errors file.
    public var problem: Problem {
        switch self {
        case .notRegular(let what):
            Problem(.file, zh: "不是普通文件(\(what)),不予读取;请放入普通文件", en: "not a regular file (\(what)); only regular files are read")
        case .tooLarge(let size, let limit):
            Problem(.file, zh: "文件过大:\(size) 字节,上限 \(limit) 字节", en: "file too large: \(size) bytes, the limit is \(limit) bytes")
        case .vanished:
            Problem(.file, zh: "文件在读取前消失", en: "the file vanished before it could be read")
        case .unreadable(let why):
            Problem(.file, zh: "无法读取文件:\(why)", en: "cannot read the file: \(why)")
        }
    }
}

/// A dropped file copied into the store's `incoming/` directory: the bytes that were
/// hashed are exactly the bytes that get parsed and archived, whatever the writer
/// does to the original afterwards.
public struct StagedFile: Sendable {
    public var path: String
    public var name: String
    public var sha256: String
    public var size: Int64
    /// nil when the bytes are neither UTF-8 nor (possibly) GB18030 — decided while parsing.
    public var encoding: TextEncoding
    /// Identity of the original, so that only that very file is removed afterwards.
    public var device: UInt64
    public var inode: UInt64
}

/// Safe reading of untrusted drop directories (a county office controls what is in
/// its directory, including links and FIFOs).
enum DropFile {
    /// Names writers use while a file is still being written (write-then-rename), and
    /// Excel's lock files (`~$`): never read.
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("~$") || name.hasSuffix(".tmp") || name.hasSuffix(".part")
            || name.hasSuffix(".swp")
    }

    /// The type of a directory entry without following links or opening it.
    static func entryType(directory: String, name: String) -> mode_t? {
        var st = stat()
        guard lstat(directory + "/" + name, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFLNK: "symbolic link 符号链接"
        case S_IFIFO: "FIFO 命名管道"
        case S_IFSOCK: "socket 套接字"
        case S_IFCHR, S_IFBLK: "device 设备文件"
        case S_IFDIR: "directory 目录"
        default: "special file 特殊文件"
        }
    }

    /// Opens `directory/name` without following links or blocking on FIFOs, checks the
    /// opened descriptor is a regular file within `maxSize`, and copies it to
    /// `incoming/`, hashing and checking UTF-8 on the way, then fsyncs the copy.
    ///
    /// The caller has already seen a regular file there with `entryType` (lstat), so
    /// that a device is never opened at all; the checks here catch a swap in between.
    static func stage(directory: String, name: String, maxSize: Int64, incoming: String) throws(Refusal) -> StagedFile {
        let fd = open(directory + "/" + name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw .vanished }
            if e == ELOOP { throw .notRegular(describe(S_IFLNK)) }
            if e == ENXIO { throw .notRegular(describe(S_IFSOCK)) }
            throw .unreadable(String(cString: strerror(e)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw .notRegular(describe(st.st_mode & S_IFMT)) }
        guard Int64(st.st_size) <= maxSize else { throw .tooLarge(size: Int64(st.st_size), limit: maxSize) }

        let stagedPath = incoming + "/" + UUID().uuidString.lowercased()
        let out = open(stagedPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard out >= 0 else { throw .unreadable("cannot write \(stagedPath): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            close(out)
            if !ok { unlink(stagedPath) }
        }
        var hasher = SHA256()
        var utf8 = UTF8Validator()
        var size: Int64 = 0
        var firstBytes: [UInt8] = []
        let bufferSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, bufferSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            if n == 0 { break }
            size += Int64(n)
            guard size <= maxSize else { throw .tooLarge(size: size, limit: maxSize) }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if firstBytes.count < 3 { firstBytes.append(contentsOf: chunk.prefix(3 - firstBytes.count)) }
            hasher.update(bufferPointer: chunk)
            utf8.feed(chunk)
            guard FileSync.writeAll(out, chunk) else {
                throw .unreadable("cannot write \(stagedPath): \(String(cString: strerror(errno)))")
            }
        }
        guard fsync(out) == 0 else { throw .unreadable("cannot sync \(stagedPath): \(String(cString: strerror(errno)))") }
        let sha = hasher.finalize().hex
        let encoding: TextEncoding = utf8.finish()
            ? (firstBytes == [0xEF, 0xBB, 0xBF] ? .utf8BOM : .utf8)
            : .gb18030
        ok = true
        return StagedFile(path: stagedPath, name: name, sha256: sha, size: size, encoding: encoding,
                          device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// Removes `directory/name` only if it is still the very file that was staged (a
    /// writer may have dropped a new file under the same name meanwhile).
    static func removeOriginal(directory: String, name: String, device: UInt64, inode: UInt64) {
        var st = stat()
        let path = directory + "/" + name
        guard lstat(path, &st) == 0, UInt64(st.st_dev) == device, UInt64(st.st_ino) == inode else { return }
        unlink(path)
        FileSync.directory(directory)
    }
}

/// fsync helpers: a rename is durable only once its directory is synced.
enum FileSync {
    /// Writes every byte, retrying short writes and EINTR; false (with errno set) on
    /// failure.
    static func writeAll(_ fd: Int32, _ data: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < data.count {
            let n = write(fd, data.baseAddress! + offset, data.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    static func directory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Writes `data` to `path` atomically: a temporary file in the same directory,
    /// fsynced, renamed over `path`, directory fsynced.
    static func writeAtomically(_ data: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = dir + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString.prefix(8)).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw POSIXError.current("create \(tmp)") }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        let written = data.withUnsafeBytes { writeAll(fd, $0) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written, synced else { throw POSIXError.current("write \(tmp)") }
        guard rename(tmp, path) == 0 else { throw POSIXError.current("rename to \(path)") }
        ok = true
        directory(dir)
    }

    /// Renames and syncs both directories.
    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw POSIXError.current("move \(from) to \(to)") }
        let a = (from as NSString).deletingLastPathComponent
        let b = (to as NSString).deletingLastPathComponent
        directory(b)
        if a != b { directory(a) }
    }

    /// Creates a directory and its parents (mode 0750 for new ones).
    static func makeDirectory(_ path: String, mode: Int = 0o750) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: mode])
    }
}

/// An operating-system error with what was being done.
public struct POSIXError: Error, CustomStringConvertible, Sendable {
    public var action: String
    public var code: Int32

    static func current(_ action: String) -> POSIXError { POSIXError(action: action, code: errno) }

    public var description: String { "cannot \(action): \(String(cString: strerror(code)))" }
}
