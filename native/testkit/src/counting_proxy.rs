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
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
