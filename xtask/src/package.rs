//! Staging the AuditSift PowerShell module: the module's files and one native library per platform,
//! laid out as `AuditSift/<version>/runtimes/<rid>/native/<library>` so that `Import-Module` finds
//! everything in the module's own folder.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A platform the module ships a native library for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// The .NET runtime identifier, the folder name under `runtimes/`.
    pub rid: &'static str,
    /// The file name of the native library on that platform.
    pub library: &'static str,
}

/// The platform of a Rust target triple, or `None` when the module does not support it.
pub fn platform_of_target(triple: &str) -> Option<Platform> {
    let arch = match triple.split('-').next()? {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        _ => return None,
    };
    let (os, library) = if triple.contains("-windows") {
        ("win", "auditsift.dll")
    } else if triple.contains("-apple-darwin") {
        ("osx", "libauditsift.dylib")
    } else if triple.contains("-linux") {
        ("linux", "libauditsift.so")
    } else {
        return None;
    };
    let rid = match (os, arch) {
        ("win", "x64") => "win-x64",
        ("win", "arm64") => "win-arm64",
        ("linux", "x64") => "linux-x64",
        ("linux", "arm64") => "linux-arm64",
        ("osx", "x64") => "osx-x64",
        _ => "osx-arm64",
    };
    Some(Platform { rid, library })
}

/// Why staging failed.
#[derive(Debug)]
pub enum PackageError {
    /// A file could not be read, written or copied.
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: io::Error,
    },
    /// The module's sources are not as expected.
    Module(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Io { what, source } => write!(f, "{what}: {source}"),
            PackageError::Module(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PackageError {}

fn io_error(what: impl Into<String>) -> impl FnOnce(io::Error) -> PackageError {
    let what = what.into();
    move |source| PackageError::Io { what, source }
}

/// The quoted strings of a manifest entry: `Name = 'x'` or `Name = @('a', 'b')`.
pub fn manifest_values(manifest: &str, name: &str) -> Vec<String> {
    let Some(start) = manifest.lines().position(|l| {
        let t = l.trim_start();
        t.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    }) else {
        return Vec::new();
    };
    let mut text = String::new();
    for line in manifest.lines().skip(start) {
        text.push_str(line);
        text.push('\n');
        let open = text.matches("@(").count();
        if open == 0 || text.matches(')').count() >= open {
            break;
        }
    }
    let value = text.split_once('=').map_or("", |(_, v)| v);
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('\'') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('\'') else { break };
        out.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

/// Every file under `dir`, as paths relative to it with `/` separators, sorted.
pub fn relative_files(dir: &Path) -> Result<Vec<String>, PackageError> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = fs::read_dir(&d).map_err(io_error(format!("reading {}", d.display())))?;
        for entry in entries {
            let path = entry
                .map_err(io_error(format!("reading {}", d.display())))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The module's version from its manifest, checked against the crate's version.
pub fn module_version(module_dir: &Path, crate_version: &str) -> Result<String, PackageError> {
    let manifest_path = module_dir.join("AuditSift.psd1");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(io_error(format!("reading {}", manifest_path.display())))?;
    let version = manifest_values(&manifest, "ModuleVersion")
        .into_iter()
        .next()
        .ok_or_else(|| {
            PackageError::Module(format!("{} has no ModuleVersion", manifest_path.display()))
        })?;
    if version != crate_version {
        return Err(PackageError::Module(format!(
            "{} says ModuleVersion '{version}' but the auditsift crate is version '{crate_version}': \
             make them the same before packaging",
            manifest_path.display()
        )));
    }
    Ok(version)
}

/// Checks that the manifest's FileList names exactly the module's files, so that nothing is
/// shipped unlisted and nothing listed is missing.
pub fn check_file_list(module_dir: &Path) -> Result<(), PackageError> {
    let manifest_path = module_dir.join("AuditSift.psd1");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(io_error(format!("reading {}", manifest_path.display())))?;
    let mut listed = manifest_values(&manifest, "FileList");
    listed.sort();
    let present = relative_files(module_dir)?;
    let missing: Vec<&String> = listed.iter().filter(|f| !present.contains(f)).collect();
    let unlisted: Vec<&String> = present.iter().filter(|f| !listed.contains(f)).collect();
    if missing.is_empty() && unlisted.is_empty() {
        return Ok(());
    }
    Err(PackageError::Module(format!(
        "{}: FileList does not match the module's files (listed but missing: {missing:?}; present but not listed: {unlisted:?})",
        manifest_path.display()
    )))
}

/// Copies the module's files to `dest` (emptied first) and each native library to
/// `dest/runtimes/<rid>/native/<library>`. Returns the staged manifest's path.
pub fn stage(
    module_dir: &Path,
    libraries: &[(Platform, PathBuf)],
    dest: &Path,
) -> Result<PathBuf, PackageError> {
    check_file_list(module_dir)?;
    if libraries.is_empty() {
        return Err(PackageError::Module(
            "no native library to stage: the module cannot load without one".to_owned(),
        ));
    }
    if dest.exists() {
        fs::remove_dir_all(dest).map_err(io_error(format!("emptying {}", dest.display())))?;
    }
    for rel in relative_files(module_dir)? {
        let from = module_dir.join(&rel);
        let to = dest.join(&rel);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)
                .map_err(io_error(format!("creating {}", parent.display())))?;
        }
        fs::copy(&from, &to).map_err(io_error(format!(
            "copying {} to {}",
            from.display(),
            to.display()
        )))?;
    }
    for (platform, library) in libraries {
        let folder = dest.join("runtimes").join(platform.rid).join("native");
        fs::create_dir_all(&folder).map_err(io_error(format!("creating {}", folder.display())))?;
        let to = folder.join(platform.library);
        fs::copy(library, &to).map_err(io_error(format!(
            "copying {} to {}",
            library.display(),
            to.display()
        )))?;
    }
    Ok(dest.join("AuditSift.psd1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../powershell/AuditSift")
    }

    #[test]
    fn targets_map_to_runtime_ids() {
        let rid = |t: &str| platform_of_target(t).map(|p| (p.rid, p.library));
        assert_eq!(
            rid("x86_64-unknown-linux-gnu"),
            Some(("linux-x64", "libauditsift.so"))
        );
        assert_eq!(
            rid("aarch64-unknown-linux-musl"),
            Some(("linux-arm64", "libauditsift.so"))
        );
        assert_eq!(
            rid("x86_64-pc-windows-msvc"),
            Some(("win-x64", "auditsift.dll"))
        );
        assert_eq!(
            rid("aarch64-pc-windows-msvc"),
            Some(("win-arm64", "auditsift.dll"))
        );
        assert_eq!(
            rid("x86_64-apple-darwin"),
            Some(("osx-x64", "libauditsift.dylib"))
        );
        assert_eq!(
            rid("aarch64-apple-darwin"),
            Some(("osx-arm64", "libauditsift.dylib"))
        );
        assert_eq!(rid("i686-pc-windows-msvc"), None);
        assert_eq!(rid("wasm32-unknown-unknown"), None);
    }

    #[test]
    fn manifest_values_read_scalars_and_lists() {
        let psd1 = "@{\n    ModuleVersion = '1.2.3'\n    FileList = @(\n        'a.ps1',\n        'b/c.cs'\n    )\n    Tags = @('x', 'y')\n}\n";
        assert_eq!(manifest_values(psd1, "ModuleVersion"), ["1.2.3"]);
        assert_eq!(manifest_values(psd1, "FileList"), ["a.ps1", "b/c.cs"]);
        assert_eq!(manifest_values(psd1, "Tags"), ["x", "y"]);
        assert!(manifest_values(psd1, "Missing").is_empty());
    }

    #[test]
    fn the_real_manifest_lists_every_module_file() {
        check_file_list(&module_dir()).expect("FileList matches the files");
        let version = module_version(&module_dir(), "0.0.0-not-the-version");
        assert!(
            version.is_err(),
            "a version mismatch must be refused: {version:?}"
        );
    }

    #[test]
    fn a_file_missing_from_file_list_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(
            dir.path().join("AuditSift.psd1"),
            "@{\n  ModuleVersion = '0.1.0'\n  FileList = @('AuditSift.psd1')\n}\n",
        )
        .expect("write");
        check_file_list(dir.path()).expect("only the manifest, listed");
        fs::write(dir.path().join("extra.ps1"), "1").expect("write");
        let err = check_file_list(dir.path()).expect_err("extra.ps1 is not listed");
        assert!(err.to_string().contains("extra.ps1"), "{err}");
    }

    #[test]
    fn stages_a_ready_to_import_module_on_linux_x64() {
        let out = tempfile::tempdir().expect("temp dir");
        let fake_library = out.path().join("libauditsift.so");
        fs::write(&fake_library, b"\x7fELF not really").expect("write");
        let dest = out.path().join("dist/AuditSift/0.1.0");
        // Something left from an earlier run must go.
        fs::create_dir_all(dest.join("stale")).expect("mkdir");
        let linux = platform_of_target("x86_64-unknown-linux-gnu").expect("supported");
        let manifest = stage(&module_dir(), &[(linux, fake_library)], &dest).expect("staged");
        assert_eq!(manifest, dest.join("AuditSift.psd1"));
        let staged = relative_files(&dest).expect("list");
        let mut expected = relative_files(&module_dir()).expect("list");
        expected.push("runtimes/linux-x64/native/libauditsift.so".to_owned());
        expected.sort();
        assert_eq!(staged, expected);
        assert_eq!(
            fs::read(dest.join("runtimes/linux-x64/native/libauditsift.so")).expect("read"),
            b"\x7fELF not really"
        );
        for must in [
            "AuditSift.psm1",
            "AuditSift.Format.ps1xml",
            "csharp/Native.cs",
            "Public/Select-AuditSession.ps1",
            "en-US/about_AuditSift.help.txt",
        ] {
            assert!(staged.iter().any(|f| f == must), "{must} not staged");
        }
    }

    #[test]
    fn staging_without_a_library_is_refused() {
        let out = tempfile::tempdir().expect("temp dir");
        let err = stage(&module_dir(), &[], &out.path().join("m")).expect_err("no library");
        assert!(err.to_string().contains("no native library"), "{err}");
    }
}
