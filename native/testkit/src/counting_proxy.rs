//! A TCP proxy on loopback that forwards to one upstream port and counts the bytes each way, so a
//! test can prove how much crossed between our process and the service (e.g. that a server-side
//! copy moved no blob bytes through this machine).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct CountingProxy {
    pub port: u16,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    to_upstream: AtomicU64,
    from_upstream: AtomicU64,
    stopped: AtomicBool,
    /// Request lines (`GET /path?query HTTP/1.1`) seen going upstream.
    request_lines: std::sync::Mutex<Vec<String>>,
}

impl CountingProxy {
    /// Listens on 127.0.0.1 and a free port; every connection is forwarded to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let counts = Arc::new(Counts::default());
        let shared = counts.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if shared.stopped.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else { continue };
                pipe(client.try_clone().expect("clone"), server.try_clone().expect("clone"), shared.clone(), true);
                pipe(server, client, shared.clone(), false);
            }
        });
        Self { port, counts }
    }

    /// Bytes our side sent towards the service (requests, uploads).
    pub fn bytes_to_upstream(&self) -> u64 {
        self.counts.to_upstream.load(Ordering::SeqCst)
    }

    /// The request lines of every GET, LIST or HEAD sent (the requests without a body, found at the
    /// start of a read: enough for listing requests, which is what tests look at).
    pub fn request_lines(&self) -> Vec<String> {
        self.counts.request_lines.lock().unwrap().clone()
    }

    /// Bytes the service sent back (responses, downloads).
    pub fn bytes_from_upstream(&self) -> u64 {
        self.counts.from_upstream.load(Ordering::SeqCst)
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.counts.stopped.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, counts: Arc<Counts>, upstream: bool) {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let counter = if upstream { &counts.to_upstream } else { &counts.from_upstream };
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    if upstream {
                        record_request_lines(&buf[..n], &counts);
                    }
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

fn record_request_lines(chunk: &[u8], counts: &Counts) {
    let text = String::from_utf8_lossy(chunk);
    for line in text.split("\r\n") {
        if (line.starts_with("GET /") || line.starts_with("HEAD /")) && line.ends_with(" HTTP/1.1") {
            counts.request_lines.lock().unwrap().push(line.to_string());
        }
    }
}
