//! Every PowerShell file of the module parses cleanly.
//!
//! There is no PowerShell on the build machines, so each `.ps1`, `.psm1` and `.psd1` under
//! `powershell/` is parsed with the tree-sitter PowerShell grammar instead; any `ERROR` or `MISSING`
//! node fails the test with its file, line and column.

use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser};

/// One syntax problem: where it is and what the parser made of it.
#[derive(Debug)]
struct SyntaxProblem {
    line: usize,
    column: usize,
    what: String,
}

/// Parses PowerShell source and returns every ERROR and MISSING node.
fn syntax_problems(source: &str) -> Result<Vec<SyntaxProblem>, String> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .map_err(|e| format!("cannot load the PowerShell grammar: {e}"))?;
    let tree = parser
        .parse(source, None)
        .ok_or_else(|| "the parser gave no tree".to_owned())?;
    let mut problems = Vec::new();
    collect_problems(tree.root_node(), source, &mut problems);
    Ok(problems)
}

fn collect_problems(node: Node<'_>, source: &str, out: &mut Vec<SyntaxProblem>) {
    if node.is_error() || node.is_missing() {
        let start = node.start_position();
        let text = source
            .get(node.byte_range())
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        let snippet: String = text.chars().take(60).collect();
        out.push(SyntaxProblem {
            line: start.row + 1,
            column: start.column + 1,
            what: if node.is_missing() {
                format!("MISSING {}", node.kind())
            } else {
                format!("ERROR near `{snippet}`")
            },
        });
        // The children of an ERROR node are part of the same problem.
        if node.is_error() {
            return;
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_problems(child, source, out);
    }
}

/// Every PowerShell source file under `dir`, sorted.
fn powershell_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ps1" | "psm1" | "psd1"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_powershell_file_parses_without_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("powershell");
    let files = powershell_files(&root);
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .collect();
    for expected in [
        "AuditSift.psd1",
        "AuditSift.psm1",
        "ConvertFrom-AuditData.ps1",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not found under {}: found {names:?}",
            root.display()
        );
    }
    let mut report = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        // A UTF-8 byte order mark is legal in PowerShell files but not part of the grammar.
        let source = source.strip_prefix('\u{feff}').unwrap_or(&source);
        match syntax_problems(source) {
            Ok(problems) => report.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{}:{}:{}: {}", file.display(), p.line, p.column, p.what)),
            ),
            Err(e) => report.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(
        report.is_empty(),
        "PowerShell syntax problems:\n{}",
        report.join("\n")
    );
}

/// The text of every `<ScriptBlock>` element of a format file, with its line, XML entities decoded.
fn format_script_blocks(xml: &str) -> Vec<(usize, String)> {
    const OPEN: &str = "<ScriptBlock>";
    const CLOSE: &str = "</ScriptBlock>";
    let mut out = Vec::new();
    let mut rest = xml;
    let mut consumed = 0;
    while let Some(start) = rest.find(OPEN) {
        let body_start = start + OPEN.len();
        let Some(len) = rest[body_start..].find(CLOSE) else {
            out.push((
                line_of(xml, consumed + start),
                "<unclosed ScriptBlock>".to_owned(),
            ));
            break;
        };
        let body = &rest[body_start..body_start + len];
        let decoded = body
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        out.push((line_of(xml, consumed + start), decoded));
        consumed += body_start + len + CLOSE.len();
        rest = &rest[body_start + len + CLOSE.len()..];
    }
    out
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte].matches('\n').count() + 1
}

#[test]
fn format_file_script_blocks_parse() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("powershell/AuditSift/AuditSift.Format.ps1xml");
    let xml = std::fs::read_to_string(&path).expect("the format file exists");
    let blocks = format_script_blocks(&xml);
    assert!(
        blocks.len() >= 10,
        "only {} script blocks found",
        blocks.len()
    );
    let mut report = Vec::new();
    for (line, code) in blocks {
        match syntax_problems(&code) {
            Ok(problems) if problems.is_empty() => {}
            Ok(problems) => report.push(format!(
                "{}:{line}: {problems:?} in `{code}`",
                path.display()
            )),
            Err(e) => report.push(format!("{}:{line}: {e}", path.display())),
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn module_files_are_ascii() {
    // Windows PowerShell 5.1 reads a file without a byte order mark in the ANSI code page, so any
    // non-ASCII character in the module's sources would be garbled there.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("powershell/AuditSift");
    let mut pending = vec![root];
    let mut checked = 0;
    let mut report = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).expect("readable file");
            checked += 1;
            if let Some(at) = bytes.iter().position(|b| !b.is_ascii()) {
                report.push(format!("{}: byte {at} is not ASCII", path.display()));
            }
        }
    }
    assert!(checked >= 10, "only {checked} files found");
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn broken_powershell_is_detected() {
    let broken =
        "function Get-Thing {\n    param([string]$Name\n    if ($Name -eq 'x') { 'y' \n}\n";
    let problems = syntax_problems(broken).expect("grammar loads");
    assert!(
        !problems.is_empty(),
        "an unclosed param block and brace were not reported"
    );
    let unclosed_hashtable = "$h = @{ Name = 'x'; Value = \n";
    assert!(
        !syntax_problems(unclosed_hashtable)
            .expect("grammar loads")
            .is_empty()
    );
}

#[test]
fn valid_powershell_has_no_problems() {
    let good = "function Get-Thing {\n    [CmdletBinding()]\n    param([Parameter(ValueFromPipeline)][string[]]$Name)\n    process { foreach ($n in $Name) { \"Hello $n\" } }\n}\n@{ ModuleVersion = '1.0.0'; FunctionsToExport = @('Get-Thing') }\n";
    let problems = syntax_problems(good).expect("grammar loads");
    assert!(problems.is_empty(), "{problems:?}");
}
