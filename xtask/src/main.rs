//! Project tasks, run as `cargo xtask <task>` (an alias in `.cargo/config.toml`).
//!
//! ```text
//! cargo xtask package [--target <triple>]... [--no-build] [--out <dir>]
//! ```
//!
//! `package` builds the release library (`cargo build --release --lib`) for the host and for each
//! `--target` given, then stages a ready-to-import PowerShell module under
//! `dist/AuditSift/<version>/` (or `--out`): the manifest, the .psm1, the C# interop, `Public/`,
//! `Private/`, the format file, `en-US/about_AuditSift.help.txt`, and
//! `runtimes/<rid>/native/<library>` per platform. `--no-build` stages libraries already built.

mod package;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use package::{Platform, platform_of_target, stage};

const USAGE: &str = "usage: cargo xtask package [--target <triple>]... [--no-build] [--out <dir>]\n\n\
     Builds the release library for the host and each --target, then stages the AuditSift\n\
     PowerShell module under dist/AuditSift/<version>/ (or --out).";

/// What `package` was asked to do.
#[derive(Debug, Default, PartialEq)]
struct PackageArgs {
    targets: Vec<String>,
    build: bool,
    out: Option<PathBuf>,
}

fn parse_package_args(args: &[String]) -> Result<PackageArgs, String> {
    let mut parsed = PackageArgs {
        build: true,
        ..PackageArgs::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--target" => parsed.targets.push(
                it.next()
                    .ok_or("--target needs a target triple")?
                    .to_owned(),
            ),
            "--out" => parsed.out = Some(PathBuf::from(it.next().ok_or("--out needs a folder")?)),
            "--no-build" => parsed.build = false,
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("package") => parse_package_args(&args[1..]).and_then(|a| run_package(&a)),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task '{other}'\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's folder).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The auditsift crate's version and the target directory, from `cargo metadata`.
fn metadata(root: &Path) -> Result<(String, PathBuf), String> {
    let output = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata gave no JSON: {e}"))?;
    let version = json["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "auditsift"))
        .and_then(|p| p["version"].as_str())
        .ok_or("cargo metadata does not list the auditsift package")?
        .to_owned();
    let target_dir = json["target_directory"]
        .as_str()
        .ok_or("cargo metadata gives no target_directory")?;
    Ok((version, PathBuf::from(target_dir)))
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

/// Builds (unless told not to) and locates the release library for a target; `None` is the host.
fn release_library(
    root: &Path,
    target_dir: &Path,
    triple: &str,
    cross: bool,
    build: bool,
) -> Result<(Platform, PathBuf), String> {
    let platform = platform_of_target(triple).ok_or_else(|| {
        format!(
            "the module has no runtime folder for target '{triple}' (supported: x86_64/aarch64 on windows, linux, apple-darwin)"
        )
    })?;
    if build {
        let mut command = cargo();
        command
            .args(["build", "--release", "--lib", "--package", "auditsift"])
            .current_dir(root);
        if cross {
            command.args(["--target", triple]);
        }
        println!("xtask: building the release library for {triple}");
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo build: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cargo build --release --lib for {triple} failed ({status})"
            ));
        }
    }
    let dir = if cross {
        target_dir.join(triple).join("release")
    } else {
        target_dir.join("release")
    };
    let library = dir.join(platform.library);
    if !library.is_file() {
        return Err(format!(
            "the library for {triple} is not at {} (build it, or drop --no-build)",
            library.display()
        ));
    }
    Ok((platform, library))
}

fn run_package(args: &PackageArgs) -> Result<(), String> {
    let root = workspace_root();
    let (crate_version, target_dir) = metadata(&root)?;
    let module_dir = root.join("powershell").join("AuditSift");
    let version =
        package::module_version(&module_dir, &crate_version).map_err(|e| e.to_string())?;
    let host = host_triple()?;
    let mut libraries = vec![release_library(
        &root,
        &target_dir,
        &host,
        false,
        args.build,
    )?];
    for triple in &args.targets {
        if *triple == host {
            continue;
        }
        libraries.push(release_library(
            &root,
            &target_dir,
            triple,
            true,
            args.build,
        )?);
    }
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("dist").join("AuditSift").join(&version));
    let manifest = stage(&module_dir, &libraries, &dest).map_err(|e| e.to_string())?;
    let manifest = std::fs::canonicalize(&manifest).unwrap_or(manifest);
    println!(
        "xtask: staged the AuditSift module {version} in {}",
        dest.display()
    );
    for (platform, _) in &libraries {
        println!(
            "xtask:   runtimes/{}/native/{}",
            platform.rid, platform.library
        );
    }
    println!();
    println!("Import-Module '{}'", manifest.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn package_arguments() {
        assert_eq!(
            parse_package_args(&[]),
            Ok(PackageArgs {
                build: true,
                ..PackageArgs::default()
            })
        );
        let parsed = parse_package_args(&strings(&[
            "--target",
            "aarch64-apple-darwin",
            "--no-build",
            "--target",
            "x86_64-pc-windows-msvc",
            "--out",
            "here",
        ]))
        .expect("valid");
        assert_eq!(
            parsed.targets,
            ["aarch64-apple-darwin", "x86_64-pc-windows-msvc"]
        );
        assert!(!parsed.build);
        assert_eq!(parsed.out, Some(PathBuf::from("here")));
        assert!(parse_package_args(&strings(&["--target"])).is_err());
        assert!(parse_package_args(&strings(&["--frobnicate"])).is_err());
    }
}
