//! An HTTP proxy on loopback, in front of Azurite, that breaks a share of the requests passing
//! through it the ways real networks and services do, and counts each fault it injected so a test
//! can prove the faults happened. Which requests break is drawn from a seeded generator (the same
//! seed gives the same sequence of draws; which request gets which draw depends on timing); the
//! kinds take turns, so that every kind is injected once a few faults have been (a test that
//! asserts each kind happened must not hang on luck). GET requests, whose responses have bodies,
//! take turns through every kind; the others through the kinds that need no body.
//!
//! One request at a time per client connection (HTTP/1.1 keep-alive, no pipelining), each
//! forwarded on a fresh upstream connection; bodies framed by Content-Length or chunked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection closes before the request reaches the service.
    DropBeforeForwarding,
    /// The service handles the request; its response is lost with the connection.
    DropAfterForwarding,
    ServerError500,
    ServerBusy503,
    /// 429 with `Retry-After: 1`.
    Throttled429,
    /// Half of the response body arrives, then the connection closes.
    CutBody,
    /// Half of the response body arrives, then nothing for [`FaultConfig::stall_for`], then close.
    StallBody,
}

impl Fault {
    pub const ALL: [Fault; 7] = [
        Fault::DropBeforeForwarding,
        Fault::DropAfterForwarding,
        Fault::ServerError500,
        Fault::ServerBusy503,
        Fault::Throttled429,
        Fault::CutBody,
        Fault::StallBody,
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).expect("listed")
    }

    fn needs_a_body(self) -> bool {
        matches!(self, Fault::CutBody | Fault::StallBody)
    }
}

#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// Share of requests broken, 0.0 to 1.0.
    pub rate: f64,
    pub kinds: Vec<Fault>,
    pub seed: u64,
    pub stall_for: Duration,
}

impl FaultConfig {
    pub fn every_kind(rate: f64, seed: u64, stall_for: Duration) -> Self {
        Self { rate, kinds: Fault::ALL.to_vec(), seed, stall_for }
    }
}

struct Shared {
    config: FaultConfig,
    rng: Mutex<u64>,
    /// Faults drawn so far, for GETs and for the rest: whose turn it is.
    turns: [AtomicU64; 2],
    injected: [AtomicU64; 7],
    requests: AtomicU64,
    stopped: AtomicBool,
    /// Every request the service answered: its request line and the status it answered with.
    answered: Mutex<Vec<(String, u16)>>,
}

pub struct FaultProxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl FaultProxy {
    /// Listens on 127.0.0.1 and a free port, forwarding to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16, config: FaultConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("bound").port();
        let seed = config.seed.max(1);
        let shared = Arc::new(Shared { config, rng: Mutex::new(seed), turns: Default::default(), injected: Default::default(), requests: AtomicU64::new(0), stopped: AtomicBool::new(false), answered: Mutex::default() });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stopped.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(client) = client else { continue };
                let shared = accepting.clone();
                std::thread::spawn(move || serve(client, upstream, &shared));
            }
        });
        Self { port, shared }
    }

    /// Faults injected so far, by kind.
    pub fn injected(&self, fault: Fault) -> u64 {
        self.shared.injected[fault.index()].load(Ordering::SeqCst)
    }

    pub fn injected_total(&self) -> u64 {
        Fault::ALL.iter().map(|f| self.injected(*f)).sum()
    }

    /// Requests seen (broken or not).
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The requests that reached the service (read whole before forwarding, so a client killed
    /// mid-body sends nothing), each with the status the service answered, in order.
    pub fn answered(&self) -> Vec<(String, u16)> {
        self.shared.answered.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn report(&self) -> String {
        let kinds: Vec<String> = Fault::ALL.iter().map(|f| format!("{f:?} {}", self.injected(*f))).collect();
        format!("{} faults in {} requests: {}", self.injected_total(), self.requests(), kinds.join(", "))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopped.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

impl Shared {
    /// xorshift64*: reproducible from the seed, no dependency.
    fn next(&self) -> u64 {
        let mut s = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn draw(&self, has_body: bool) -> Option<Fault> {
        let roll = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let kinds: Vec<Fault> = self.config.kinds.iter().copied().filter(|k| has_body || !k.needs_a_body()).collect();
        if roll >= self.config.rate || kinds.is_empty() {
            return None;
        }
        let turn = self.turns[usize::from(has_body)].fetch_add(1, Ordering::SeqCst);
        Some(kinds[(turn % kinds.len() as u64) as usize])
    }

    fn count(&self, fault: Fault) {
        self.injected[fault.index()].fetch_add(1, Ordering::SeqCst);
    }
}

/// One HTTP message as read off the wire: its head (start line and headers) and its raw body.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn start_line(&self) -> String {
        String::from_utf8_lossy(&self.head).lines().next().unwrap_or_default().to_string()
    }
}

fn header(head: &[u8], name: &str) -> Option<String> {
    String::from_utf8_lossy(head).lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
    })
}

/// Reads one message; `None` at a clean end of the connection. `has_body` is false for responses
/// that never carry one (to HEAD, 204, 304).
fn read_message(reader: &mut BufReader<TcpStream>, has_body: impl Fn(&[u8]) -> bool) -> Option<Message> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        head.extend_from_slice(&line);
        if line == b"\r\n" {
            break;
        }
    }
    let mut body = Vec::new();
    if has_body(&head) {
        if header(&head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            loop {
                let mut size_line = Vec::new();
                reader.read_until(b'\n', &mut size_line).ok()?;
                body.extend_from_slice(&size_line);
                let size = usize::from_str_radix(String::from_utf8_lossy(&size_line).trim().split(';').next()?, 16).ok()?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk).ok()?;
                body.extend_from_slice(&chunk);
                if size == 0 {
                    break;
                }
            }
        } else if let Some(len) = header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(len, 0);
            reader.read_exact(&mut body).ok()?;
        }
    }
    Some(Message { head, body })
}

fn serve(client: TcpStream, upstream: u16, shared: &Shared) {
    let mut to_client = client.try_clone().expect("clone");
    let mut from_client = BufReader::new(client);
    while let Some(request) = read_message(&mut from_client, |_| true) {
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let fault = shared.draw(request.start_line().starts_with("GET "));
        let reply = match fault {
            Some(Fault::DropBeforeForwarding) => None,
            Some(Fault::ServerError500) => Some(canned(500, "InternalError", "Operation could not be completed within the specified time.", None)),
            Some(Fault::ServerBusy503) => Some(canned(503, "ServerBusy", "The server is currently unable to receive requests. Please retry your request.", None)),
            Some(Fault::Throttled429) => Some(canned(429, "TooManyRequests", "Too many requests.", Some(1))),
            _ => None,
        };
        if let Some(f) = fault.filter(|f| matches!(f, Fault::DropBeforeForwarding | Fault::ServerError500 | Fault::ServerBusy503 | Fault::Throttled429)) {
            shared.count(f);
            match reply {
                Some(reply) if to_client.write_all(&reply).is_ok() => continue,
                _ => break,
            }
        }
        let head_request = request.start_line().starts_with("HEAD ");
        let Some(response) = forward(&request, upstream, head_request) else { break };
        let status = String::from_utf8_lossy(&response.head).split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        shared.answered.lock().unwrap_or_else(|p| p.into_inner()).push((request.start_line(), status));
        let fault = match fault {
            // A response too short to cut loses its connection instead.
            Some(f) if f.needs_a_body() && response.body.len() < 2 => Some(Fault::DropAfterForwarding),
            other => other,
        };
        let sent = match fault {
            None => to_client.write_all(&response.head).and_then(|()| to_client.write_all(&response.body)).is_ok(),
            Some(f) => {
                shared.count(f);
                if f.needs_a_body() {
                    let half = response.body.len() / 2;
                    let _ = to_client.write_all(&response.head).and_then(|()| to_client.write_all(&response.body[..half]));
                    let _ = to_client.flush();
                    if f == Fault::StallBody {
                        std::thread::sleep(shared.config.stall_for);
                    }
                }
                false
            }
        };
        if !sent {
            break;
        }
    }
    let _ = to_client.shutdown(Shutdown::Both);
}

/// The request on a fresh upstream connection; the whole response back.
fn forward(request: &Message, upstream: u16, head_request: bool) -> Option<Message> {
    let mut server = TcpStream::connect(("127.0.0.1", upstream)).ok()?;
    server.write_all(&request.head).ok()?;
    server.write_all(&request.body).ok()?;
    let mut reader = BufReader::new(server);
    read_message(&mut reader, |head| {
        let status = String::from_utf8_lossy(head).split_whitespace().nth(1).unwrap_or_default().to_string();
        !head_request && status != "204" && status != "304"
    })
}

/// An error response as Azure Storage sends it: the code in a header and in an XML body.
fn canned(status: u16, code: &str, message: &str, retry_after: Option<u32>) -> Vec<u8> {
    let reason = match status {
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Service Unavailable",
    };
    let body = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
    let retry = retry_after.map(|s| format!("Retry-After: {s}\r\n")).unwrap_or_default();
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nx-ms-error-code: {code}\r\n{retry}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_faults_at_about_the_rate() {
        let shared = |seed| Shared {
            config: FaultConfig::every_kind(0.25, seed, Duration::ZERO),
            rng: Mutex::new(seed),
            turns: Default::default(),
            injected: Default::default(),
            requests: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            answered: Mutex::default(),
        };
        let (a, b) = (shared(7), shared(7));
        let draws: Vec<_> = (0..4000).map(|_| a.draw(true)).collect();
        assert_eq!(draws, (0..4000).map(|_| b.draw(true)).collect::<Vec<_>>());
        assert!((0..100).filter_map(|_| a.draw(false)).all(|f| !f.needs_a_body()), "no body, no cut body");
        let broken = draws.iter().filter(|d| d.is_some()).count();
        assert!((800..1200).contains(&broken), "{broken} of 4000 at 25%");
        for kind in Fault::ALL {
            assert!(draws.contains(&Some(kind)), "{kind:?} drawn");
        }
    }
}
