import FieldsyncSystem
import Glibc

/// Why a source's files cannot be answered: its drop directory, or the `receipts/` or
/// `rejected/` in it, is not what the daemon made. Nothing is written for the source
/// until the operator repairs it; `status` shows it.
public struct DropDirectoryFault: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        case missing
        case symbolicLink
        case notADirectory
        /// Owned by this user id, not by the daemon's.
        case foreignOwner(uid_t)
        /// Any other failure, as the system call reported it.
        case unusable(String)
    }

    /// `receipts` or `rejected`; nil for the drop directory itself.
    public var entry: String?
    public var problem: Problem

    public init(entry: String?, problem: Problem) {
        self.entry = entry
        self.problem = problem
    }

    init(entry: String?, error: SystemCallError) {
        let problem: Problem = switch error.errno {
        case ENOENT: .missing
        case ELOOP: .symbolicLink
        case ENOTDIR: .notADirectory
        default: .unusable(error.description)
        }
        self.init(entry: entry, problem: problem)
    }

    /// For the operator: what is wrong, where, and what the daemon does about it.
    public var description: String {
        let what = entry.map { "\($0)/" } ?? "the drop directory 报送目录"
        let problem = switch problem {
        case .missing: "does not exist 不存在"
        case .symbolicLink: "is a symbolic link 是符号链接"
        case .notADirectory: "is not a directory 不是目录"
        case .foreignOwner(let uid): "belongs to uid \(uid), not to the daemon's user 属主不是守护进程用户"
        case .unusable(let why): "cannot be used 无法使用: \(why)"
        }
        guard entry != nil else { return "\(what) \(problem)" }
        return "\(what) \(problem); nothing is written there and this source's files wait until it is a directory owned by the daemon's user 回执/退回目录异常,修复前该来源文件暂不处理"
    }
}
