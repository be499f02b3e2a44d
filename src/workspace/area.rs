//! One sweep at a time in a project's build area. Two `measure` runs on the
//! same project share `<target-dir>/cargo-lto/<config>/` and empty it
//! before building: started together, they break each other's builds, and
//! one may take the other's temporary Cargo.lock for the user's. So a sweep
//! holds an exclusive advisory lock on `<target-dir>/cargo-lto/measure.lock`
//! (as cargo locks its build directory) from before it resolves the project
//! until it ends; the operating system releases it when the process exits,
//! however it ends. Commands that resolve the project without sweeping
//! (`plan`, `inspect`) hold it shared while they run: cargo may create a
//! Cargo.lock for them, which they remove at their end, and a sweep must
//! not take it for the user's (nor they the sweep's). Readers (`report`,
//! `recommend`, …) take no lock: documents are written atomically.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Error;

/// The build area, held: released when dropped.
#[derive(Debug)]
pub struct AreaLock {
    _file: File,
}

/// The lock file of the build area under `target_dir`.
pub fn lock_path(target_dir: &Path) -> PathBuf {
    target_dir.join("cargo-lto").join("measure.lock")
}

/// Who holds the lock, from what the holder wrote into the file.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    match text.trim().parse::<u32>() {
        Ok(pid) => format!("pid {pid}"),
        Err(_) => "another process".into(),
    }
}

/// Locks the build area under `target_dir` for a sweep. When another run
/// holds it: with `wait`, calls `waiting` once with the holder (`pid
/// 1234`) and blocks until it is free; without, it is [`Error::AreaBusy`]
/// (exit 2).
pub fn lock(target_dir: &Path, wait: bool, waiting: &dyn Fn(&str)) -> Result<AreaLock> {
    let (mut file, path) = open(target_dir)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder(&mut file);
            if !wait {
                return Err(Error::AreaBusy { holder, path }.into());
            }
            waiting(&holder);
            file.lock()
                .with_context(|| format!("locking {}", path.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", path.display()));
        }
    }
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| write!(file, "{}", std::process::id()))
        .and_then(|()| file.flush())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(AreaLock { _file: file })
}

/// Locks the build area under `target_dir` shared, for a command that
/// resolves the project beside no sweep; waits for a sweep that holds it,
/// calling `waiting` once with its holder.
pub fn lock_shared(target_dir: &Path, waiting: &dyn Fn(&str)) -> Result<AreaLock> {
    let (mut file, path) = open(target_dir)?;
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting(&holder(&mut file));
            file.lock_shared()
                .with_context(|| format!("locking {}", path.display()))?;
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", path.display()));
        }
    }
    Ok(AreaLock { _file: file })
}

/// The lock file under `target_dir`, opened (made when missing).
fn open(target_dir: &Path) -> Result<(File, PathBuf)> {
    let path = lock_path(target_dir);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // not truncated on opening: the holder's pid is in it
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_held_area_is_refused_or_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path(), false, &|_| panic!("free")).unwrap();
        let pid = std::fs::read_to_string(lock_path(dir.path())).unwrap();
        assert_eq!(pid, std::process::id().to_string());
        // held: refused without waiting, naming the holder
        let err = lock(dir.path(), false, &|_| panic!("no wait")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&format!("pid {pid}")), "{text}");
        assert!(text.contains("--no-wait"), "{text}");
        // waiting: said once, then it gets the lock when the first goes
        let said = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                // a thread's own handle, so the lock is contended
                let got = lock(dir.path(), true, &|h| {
                    said.lock().unwrap().push(h.to_string())
                });
                got.map(|_| ())
            });
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(first);
            assert!(waiter.join().unwrap().is_ok());
        });
        assert_eq!(said.into_inner().unwrap(), [format!("pid {pid}")]);
        // shared holders (plan, inspect) keep a sweep out, and not each other
        let one = lock_shared(dir.path(), &|_| panic!("free")).unwrap();
        let two = lock_shared(dir.path(), &|_| panic!("shared")).unwrap();
        assert!(lock(dir.path(), false, &|_| ()).is_err());
        drop((one, two));
        assert!(lock(dir.path(), false, &|_| ()).is_ok());
    }
}
