import FieldsyncModel
import FieldsyncProtocol
import FieldsyncSystem
import Glibc
import Synchronization

/// One source's drop directory as intake holds it: descriptors on the directory and on
/// its answer channel — `receipts/` and `rejected/`, where every file gets its answer —
/// opened once and used only through the `*at()` calls (``DirectoryHandle``).
///
/// The people who drop files can write in the directory, so the channel is checked
/// before every file: `receipts` and `rejected` must still be the very directories held,
/// and those must be real directories owned by the daemon's user. A symbolic link put in
/// their place, a directory someone else made, or one renamed away and replaced is a
/// ``DropDirectoryFault``: nothing is written for that source, its files stay where they
/// are, and `status` says why until the operator repairs it.
final class DropDirectory: Sendable {
    /// The descriptors of a directory whose channel is whole.
    struct Handles: Sendable {
        let drop: DirectoryHandle
        let receipts: DirectoryHandle
        let rejected: DirectoryHandle
        fileprivate let dropIdentity: FileStatus.Identity
        fileprivate let receiptsIdentity: FileStatus.Identity
        fileprivate let rejectedIdentity: FileStatus.Identity

        /// Takes the entry `name` out of the drop directory into `holding` (`receipts/`
        /// or `rejected/`: the daemon's own, on the same file system) as `heldName`, and
        /// checks that what was taken is the very file `expected` describes — same
        /// file, same size, same modification time. Only there, where no clerk can
        /// write, is it safe to act on it: a name can be swapped between a check and a
        /// rename; the entry a rename moved cannot.
        ///
        /// An older entry named `heldName` in `holding` is replaced only if it is a
        /// regular file (an earlier answer under the same name). Returns false when the
        /// entry was not that file: it is put back, never over a new entry of its name.
        func takeAway(_ name: FileName, into holding: DirectoryHandle, as heldName: FileName,
                      expecting expected: FileStatus) throws -> Bool {
            do {
                try drop.rename(name, to: holding, as: heldName, replacing: false)
            } catch where error.errno == EEXIST {
                guard try holding.status(of: heldName)?.kind == .regular else { throw error }
                try holding.removeFile(heldName)
                try drop.rename(name, to: holding, as: heldName, replacing: false)
            } catch where error.errno == ENOENT {
                return false
            }
            guard let taken = try holding.status(of: heldName) else { return false }
            if taken.identity == expected.identity, taken.kind == expected.kind, taken.size == expected.size,
               taken.modified == expected.modified {
                return true
            }
            // Not the file that was examined (swapped, or written to since): back where
            // it was, to be examined afresh.
            try holding.rename(heldName, to: drop, as: name, replacing: false)
            return false
        }
    }

    let source: Source
    /// The user the answer channel must belong to: the daemon's.
    let owner: uid_t
    /// Whether missing `receipts/` and `rejected/` are made (the daemon and `ingest`),
    /// or only looked at (`status`, which may run as another user).
    let creating: Bool
    private let held = Mutex<Handles?>(nil)

    init(source: Source, owner: uid_t = geteuid(), creating: Bool = true) {
        self.source = source
        self.owner = owner
        self.creating = creating
    }

    /// The handles, checked: the answer channel's entries still name the directories
    /// held. Opens (creating `receipts/` and `rejected/` when they do not exist) on the
    /// first call and whenever the check fails.
    func open() -> Result<Handles, DropDirectoryFault> {
        if let handles = held.withLock({ $0 }), channelIsIntact(handles) { return .success(handles) }
        held.withLock { $0 = nil }
        let result = openAfresh()
        if case .success(let handles) = result { held.withLock { $0 = handles } }
        return result
    }

    /// As ``open()``, and also that `source.path` still names the directory held (it
    /// may have been removed and made again): for a scan, not for every file.
    func reopenIfMoved() -> Result<Handles, DropDirectoryFault> {
        if let handles = held.withLock({ $0 }) {
            var st = stat()
            if lstat(source.path, &st) != 0
                || FileStatus.Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) != handles.dropIdentity {
                held.withLock { $0 = nil }
            }
        }
        return open()
    }

    /// What is in the directory now, each entry as one `fstatat` saw it. With
    /// `reopening`, a directory that was removed and made again is opened anew.
    func listing(reopening: Bool = false) -> DropListing {
        switch reopening ? reopenIfMoved() : open() {
        case .success(let handles):
            return DropDirectory.list(handles.drop)
        case .failure(let fault):
            // The files are listed all the same when the directory itself can be read.
            guard let directory = try? DirectoryHandle.open(path: source.path) else { return DropListing(fault: fault) }
            var listing = DropDirectory.list(directory)
            // Only looking: a channel directory not made yet is the daemon's to make.
            listing.fault = !creating && fault.entry != nil && fault.problem == .missing ? nil : fault
            return listing
        }
    }

    private static func list(_ directory: DirectoryHandle) -> DropListing {
        var listing = DropListing()
        guard let entries = try? directory.entries() else {
            listing.complete = false
            return listing
        }
        for entry in entries {
            let name = entry.name
            guard name != DropName.receipts, name != DropName.rejected,
                  let status = try? directory.status(of: name) else { continue }
            let file = WaitingFile(name: name, modified: Timestamp(status.modified), kind: status.kind, identity: status.identity)
            if DropName.isTemporary(name) {
                if status.kind != .directory { listing.temporaries.append(file) }
            } else if status.kind == .directory {
                listing.directories.append(name)
            } else {
                listing.files.append(file)
            }
        }
        listing.files.sort { ($0.modified, $0.name) < ($1.modified, $1.name) }
        listing.temporaries.sort { ($0.modified, $0.name) < ($1.modified, $1.name) }
        listing.directories.sort()
        return listing
    }

    private func channelIsIntact(_ handles: Handles) -> Bool {
        func same(_ name: FileName, _ identity: FileStatus.Identity) -> Bool {
            guard let status = try? handles.drop.status(of: name) else { return false }
            return status.kind == .directory && status.identity == identity && status.owner == owner
        }
        return same(DropName.receipts, handles.receiptsIdentity) && same(DropName.rejected, handles.rejectedIdentity)
    }

    private func openAfresh() -> Result<Handles, DropDirectoryFault> {
        let drop: DirectoryHandle
        let dropStatus: FileStatus
        do {
            drop = try DirectoryHandle.open(path: source.path)
            dropStatus = try drop.status()
        } catch {
            var st = stat()
            let isLink = lstat(source.path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
            return .failure(isLink ? DropDirectoryFault(entry: nil, problem: .symbolicLink) : DropDirectoryFault(entry: nil, error: error))
        }
        func answer(_ name: FileName) -> Result<(DirectoryHandle, FileStatus.Identity), DropDirectoryFault> {
            do {
                let handle = creating ? try drop.openOrMakeDirectory(name, permissions: 0o750) : try drop.openDirectory(name)
                let status = try handle.status()
                guard status.owner == owner else {
                    return .failure(DropDirectoryFault(entry: name.description, problem: .foreignOwner(status.owner)))
                }
                return .success((handle, status.identity))
            } catch {
                if (try? drop.status(of: name))??.kind == .symbolicLink {
                    return .failure(DropDirectoryFault(entry: name.description, problem: .symbolicLink))
                }
                return .failure(DropDirectoryFault(entry: name.description, error: error))
            }
        }
        let result = answer(DropName.receipts).flatMap { receipts in
            answer(DropName.rejected).map { rejected in
                Handles(drop: drop, receipts: receipts.0, rejected: rejected.0, dropIdentity: dropStatus.identity,
                        receiptsIdentity: receipts.1, rejectedIdentity: rejected.1)
            }
        }
        if creating, case .success(let handles) = result { DropDirectory.removeLeftovers(in: handles.receipts) }
        return result
    }

    /// Removes what a killed process left in `receipts/`: half-written receipts, and
    /// accepted files taken away for removal (archived and answered already).
    private static func removeLeftovers(in receipts: DirectoryHandle) {
        for entry in (try? receipts.entries()) ?? [] where DirectoryHandle.isTemporaryName(entry.name) {
            if (try? receipts.status(of: entry.name))??.kind == .regular { try? receipts.removeFile(entry.name) }
        }
    }
}
