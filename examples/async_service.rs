//! An async upload service on tokio, written against `audit_tokio` instead
//! of `tokio::{fs, net, process}`, under a TOML policy: network on loopback
//! only, writes only inside the work directory, only `echo` may be spawned.
//! A client uploads two files; the second name is an absolute path outside
//! the work directory (a classic path-traversal bug in the server, which
//! joins the name as given), and the policy refuses that write before it is
//! handed to a blocking thread.
//!
//! ```text
//! cargo run --example async_service
//! cargo run --example async_service --features audit-core/off   # no policy: the bug writes outside
//! ```
//!
//! Hooks run synchronously on the runtime's worker threads, inside the poll
//! of the audited future: the logging hook below only prints, and the policy
//! only compares; neither blocks.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use audit_core::{add_hook, audit_error};
use audit_policy::Policy;
use audit_tokio::fs;
use audit_tokio::net::{TcpListener, TcpStream};
use audit_tokio::process::Command;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// `{work}` is replaced by the work directory.
const POLICY: &str = r#"
default = "allow"

[[rule]]
action = "deny"
events = ["net.connect", "net.bind", "net.send_to"]
address = { not_in = ["loopback"] }
reason = "network is loopback only"

[[rule]]
action = "deny"
events = ["fs.open"]
flags = { any = ["write", "append", "truncate", "create", "create_new"] }
path = { not_under = ['{work}'] }
reason = "writes only inside the work directory"

[[rule]]
action = "deny"
events = ["fs.create_dir", "fs.remove_*", "fs.rename", "fs.set_permissions"]
path = { not_under = ['{work}'] }
reason = "writes only inside the work directory"

[[rule]]
action = "deny"
events = ["process.spawn"]
program = { not_in = ["echo"] }
reason = "program not on the allow-list"
"#;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let work = tempfile::tempdir()?;
    let outside = tempfile::tempdir()?;
    let work_path = work.path().to_str().filter(|p| !p.contains(['\'', '\n']));
    let work_path = work_path.ok_or("the temporary directory's path cannot be put in TOML")?;
    let policy = Policy::from_toml(&POLICY.replace("{work}", work_path))?;
    let rules = policy.rules().len();
    let in_force = match policy.install() {
        Ok(()) => {
            println!("policy: {rules} rules");
            // Logging after the policy: only allowed operations are printed.
            add_hook(|event| {
                println!("  audit: {event}");
                Ok(())
            })?;
            true
        }
        Err(err) => {
            println!("policy not installed: {err}");
            false
        }
    };

    let uploads = work.path().join("uploads");
    fs::create_dir(&uploads).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, uploads.clone(), 2));

    let escape = outside.path().join("escape.txt");
    for name in [Path::new("notes.txt"), escape.as_path()] {
        let reply = upload(addr, name, "hello").await?;
        println!("upload {}: {reply}", name.display());
    }
    server.await??;
    println!("notes.txt exists: {}", uploads.join("notes.txt").exists());
    println!("escape.txt exists: {}", escape.exists());

    report("spawn echo", Command::new("echo").arg("hi").output().await);
    report(
        "spawn sh",
        Command::new("sh").args(["-c", "true"]).status().await,
    );
    // TEST-NET-1, reserved for documentation: only tried when the policy is
    // in force, so that nothing leaves the machine.
    let remote: SocketAddr = "192.0.2.1:80".parse()?;
    if in_force {
        report("connect to 192.0.2.1", TcpStream::connect(remote).await);
    } else {
        println!("connect to 192.0.2.1: skipped (no policy to stop it)");
    }
    Ok(())
}

/// Accepts `count` uploads: a name on the first line, the contents after it.
async fn serve(listener: TcpListener, dir: PathBuf, count: usize) -> std::io::Result<()> {
    for _ in 0..count {
        let (stream, _) = listener.accept().await?;
        let (read, mut write) = tokio::io::split(stream);
        let mut read = BufReader::new(read);
        let mut name = String::new();
        read.read_line(&mut name).await?;
        let mut body = Vec::new();
        read.read_to_end(&mut body).await?;
        // The bug: an absolute name replaces `dir` entirely.
        let reply = match fs::write(dir.join(name.trim_end()), body).await {
            Ok(()) => "OK".to_owned(),
            Err(err) => match audit_error(&err) {
                Some(refusal) => format!("REFUSED ({})", refusal.reason()),
                None => format!("failed: {err}"),
            },
        };
        write.write_all(reply.as_bytes()).await?;
        write.shutdown().await?;
    }
    Ok(())
}

/// Uploads `body` as `name`, returning the server's reply.
async fn upload(addr: SocketAddr, name: &Path, body: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(format!("{}\n{body}", name.display()).as_bytes())
        .await?;
    stream.shutdown().await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    Ok(reply)
}

/// Prints how an operation ended, telling audit refusals from other errors.
fn report<T>(what: &str, result: std::io::Result<T>) {
    match result {
        Ok(_) => println!("{what}: ALLOWED"),
        Err(err) => match audit_error(&err) {
            Some(refusal) => println!("{what}: REFUSED ({})", refusal.reason()),
            None => println!("{what}: failed: {err}"),
        },
    }
}
