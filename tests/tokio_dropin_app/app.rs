// A small async program written against tokio: a loopback file server, a
// client that fetches files from it and stores them, and a child process
// that counts the bytes stored. Included twice by `tokio_dropin.rs`, once
// with `use tokio::{fs, net, process};` and once with
// `use audit_tokio::{fs, net, process};` in scope: nothing else changes.

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Serves `count` requests: each is a file name on one line; the answer is
/// that file's contents under `root`, or nothing.
pub async fn serve(listener: net::TcpListener, root: PathBuf, count: usize) -> io::Result<()> {
    for _ in 0..count {
        let (stream, _peer) = listener.accept().await?;
        let root = root.clone();
        tokio::spawn(async move {
            let (read, mut write) = tokio::io::split(stream);
            let mut line = String::new();
            BufReader::new(read).read_line(&mut line).await?;
            let name = line.trim();
            // Only plain names: the server never leaves its root.
            if !name.is_empty() && !name.contains('/') && name != ".." {
                if let Ok(mut file) = fs::File::open(root.join(name)).await {
                    let mut body = Vec::new();
                    file.read_to_end(&mut body).await?;
                    write.write_all(&body).await?;
                }
            }
            write.shutdown().await
        });
    }
    Ok(())
}

/// Fetches `name` from the server at `addr`.
pub async fn fetch(addr: std::net::SocketAddr, name: &str) -> io::Result<Vec<u8>> {
    let mut stream = net::TcpStream::connect(addr).await?;
    stream.write_all(format!("{name}\n").as_bytes()).await?;
    let mut body = Vec::new();
    stream.read_to_end(&mut body).await?;
    Ok(body)
}

/// The whole program: serve `src`, fetch `names` into `dst`, list `dst`, and
/// count its bytes with `cat | wc -c`. Returns what it observed.
pub async fn run(src: &Path, dst: &Path, names: &[&str]) -> io::Result<(Vec<String>, String)> {
    let listener = net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, src.to_path_buf(), names.len()));
    fs::create_dir_all(dst).await?;
    for name in names {
        let body = fetch(addr, name).await?;
        fs::write(dst.join(name), body).await?;
    }
    server.await.expect("server task")?;
    let mut listed = Vec::new();
    let mut entries = fs::read_dir(dst).await?;
    while let Some(entry) = entries.next_entry().await? {
        if entry.metadata().await?.is_file() {
            listed.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    listed.sort();
    let output = process::Command::new("/bin/sh")
        .arg("-c")
        .arg("cat * | wc -c")
        .current_dir(dst)
        .output()
        .await?;
    Ok((listed, String::from_utf8_lossy(&output.stdout).trim().to_owned()))
}
