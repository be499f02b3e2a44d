//! Free space where builds write. A build that runs out of disk rarely
//! says so: LLVM crashes with a backtrace, or `ld terminated with signal 7
//! [Bus error]` (a memory-mapped output file that could not grow). After a
//! failed build the sweep looks at the target directory's filesystem and
//! says when it is (nearly) full.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::results::notes::{Note, NoteKind};

/// A filesystem is nearly full below this much free space…
pub const LOW_BYTES: u64 = 1 << 30;
/// …or below this share of its size.
pub const LOW_SHARE: f64 = 0.02;

/// Bytes available to this user and the filesystem's size, for the
/// filesystem holding `path` (or its nearest existing ancestor).
pub fn space(path: &Path) -> Option<(u64, u64)> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let c = CString::new(existing.as_os_str().as_bytes()).ok()?;
    // SAFETY: a zeroed statvfs is a valid out-parameter; `c` is a valid
    // NUL-terminated path for the duration of the call.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let block = s.f_frsize as u64;
    Some((s.f_bavail as u64 * block, s.f_blocks as u64 * block))
}

/// True when `available` of `total` bytes is nearly full.
pub fn nearly_full(available: u64, total: u64) -> bool {
    available < LOW_BYTES || (total > 0 && (available as f64) < LOW_SHARE * total as f64)
}

/// After a failed build (of `config`, when one) writing to `dir`: a note
/// when its filesystem is (nearly) full.
pub fn low_space_note(dir: &Path, config: Option<&str>) -> Option<Note> {
    let (available, total) = space(dir)?;
    nearly_full(available, total).then(|| {
        NoteKind::LowDiskSpace {
            config: config.map(str::to_string),
            dir: dir.to_path_buf(),
            available_bytes: available,
            total_bytes: total,
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearly_full_is_little_left_absolutely_or_relatively() {
        let gib = 1u64 << 30;
        assert!(nearly_full(gib / 2, 100 * gib), "under 1 GiB");
        assert!(nearly_full(10 * gib, 1000 * gib), "under 2%");
        assert!(!nearly_full(30 * gib, 100 * gib));
        assert!(!nearly_full(2 * gib, 50 * gib));
    }

    #[test]
    fn the_space_of_a_real_filesystem() {
        let dir = tempfile::tempdir().unwrap();
        let (available, total) = space(&dir.path().join("not/yet/made")).unwrap();
        assert!(total > 0 && available <= total, "{available} of {total}");
    }
}
