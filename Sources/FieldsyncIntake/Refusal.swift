import FieldsyncModel
import FieldsyncSystem

/// Why a file in a drop directory was not read: it is refused as it stands, or (the
/// last three cases) it is left for later.
public enum Refusal: Error, Sendable, Equatable {
    /// A symbolic link, FIFO, socket, device or directory: only regular files are read.
    case notRegular(FileStatus.Kind)
    /// A regular file with more than one name: a hard link may be a name for a file the
    /// dropper could not read themselves, so it is never read.
    case hardLink(count: UInt64)
    case tooLarge(size: Int64, limit: Int64)
    case unreadable(String)
    /// It disappeared before it could be read (a writer renamed it away): not an error.
    case vanished
    /// Its size or times moved while it was copied: a writer is still at it. It is
    /// read again once it is closed (or quiet).
    case changedWhileRead
    /// The store's side failed (`incoming/` full, unwritable): not the file's fault.
    case storeFailure(String)

    /// Whether the file is left where it is for a later attempt, rather than set aside.
    var leavesFileForLater: Bool {
        switch self {
        case .vanished, .changedWhileRead, .storeFailure: true
        default: false
        }
    }

    /// The problem as it goes into the errors file.
    public var problem: Problem {
        switch self {
        case .notRegular(let kind):
            Problem(.file, zh: "不是普通文件(\(Refusal.chinese(kind))),不予读取;请放入普通文件",
                    en: "not a regular file (\(Refusal.english(kind))); only regular files are read")
        case .hardLink(let count):
            Problem(.file, zh: "文件有 \(count) 个硬链接,不予读取;请放入文件本身的副本",
                    en: "the file has \(count) hard links and is not read; drop a copy of the file itself")
        case .tooLarge(let size, let limit):
            Problem(.file, zh: "文件过大:\(size) 字节,上限 \(limit) 字节", en: "file too large: \(size) bytes, the limit is \(limit) bytes")
        case .unreadable(let why):
            Problem(.file, zh: "无法读取文件:\(why)", en: "cannot read the file: \(why)")
        case .vanished:
            Problem(.file, zh: "文件在读取前消失", en: "the file vanished before it could be read")
        case .changedWhileRead:
            Problem(.file, zh: "文件在读取时被改动", en: "the file changed while it was read")
        case .storeFailure:
            Problem(.file, zh: "服务器暂时无法保存文件,稍后重试", en: "the server cannot store the file for now; it is tried again later")
        }
    }

    static func english(_ kind: FileStatus.Kind) -> String {
        switch kind {
        case .symbolicLink: "symbolic link"
        case .fifo: "FIFO"
        case .socket: "socket"
        case .characterDevice, .blockDevice: "device"
        case .directory: "directory"
        case .regular: "regular file"
        case .unknown: "special file"
        }
    }

    static func chinese(_ kind: FileStatus.Kind) -> String {
        switch kind {
        case .symbolicLink: "符号链接"
        case .fifo: "命名管道"
        case .socket: "套接字"
        case .characterDevice, .blockDevice: "设备文件"
        case .directory: "目录"
        case .regular: "普通文件"
        case .unknown: "特殊文件"
        }
    }
}
