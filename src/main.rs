//! `auditsift`: the command line over the library, for files (Purview CSV, JSON, JSON lines).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
