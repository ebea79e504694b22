#ifndef CLINUX_H
#define CLINUX_H

/// Linux calls that Swift's Glibc module does not import, because glibc declares them
/// only under _GNU_SOURCE. Thin, typed, nothing more: FieldsyncSystem wraps them.

/// renameat2(2) with RENAME_NOREPLACE: renames only if `newpath` does not exist
/// (EEXIST otherwise), atomically — no window in which another entry could be replaced.
int fs_renameat_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

/// syncfs(2): writes back and makes durable everything of the file system that `fd`
/// is on — one call for a group of files instead of an fsync each.
int fs_syncfs(int fd);

/// sync_file_range(2) with SYNC_FILE_RANGE_WRITE over the whole file: starts writing
/// its dirty pages back without waiting, so that a later sync finds them written. It
/// makes nothing durable by itself.
int fs_start_writeback(int fd);

#endif
