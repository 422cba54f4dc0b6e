//! Which client a request comes from, when a portal or a reverse proxy stands in front.
//!
//! The per-client limits (online filings, wrong lookup secrets) count the address of whoever
//! opened the connection: the TCP peer on one machine, the source address API Gateway saw on
//! AWS. A province's portal that files for citizens from its own servers would then share one
//! count among all of them. Ops may name the proxies they run or trust in
//! `MOTCUA_TRUSTED_PROXIES` (addresses or CIDR blocks, comma-separated, e.g.
//! `10.0.0.0/8, 203.0.113.4`); a request whose peer is one of them is counted against the
//! address it forwards in `X-Forwarded-For`.
//!
//! The chain is read from the right, the way each proxy appended to it: the peer, then the
//! last forwarded hop, and so on, skipping trusted proxies, and the first address that is not
//! a trusted proxy is the client. A peer that is not trusted is the client whatever it
//! forwards, so a client cannot pick its own count by sending the header. A hop that is not an
//! address stops the walk at the trusted proxy before it. At most [`TrustedProxies::MAX_HOPS`]
//! hops are read.

use std::net::IpAddr;

/// The proxies whose `X-Forwarded-For` is believed. Empty (the default) believes none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    blocks: Vec<Block>,
}

/// An address block: an address and how many leading bits of it are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    network: IpAddr,
    bits: u8,
}

impl Block {
    fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is neither an IP address nor a CIDR block like 10.0.0.0/8");
        let (address, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(width);
        if bits > width {
            return Err(bad());
        }
        Ok(Self { network, bits })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let mask = |width: u32| if self.bits == 0 { 0 } else { u128::MAX << (width - u32::from(self.bits)) };
        match (self.network, canonical(address)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let m = mask(32) as u32;
                u32::from(n) & m == u32::from(a) & m
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let m = mask(128);
                u128::from(n) & m == u128::from(a) & m
            }
            _ => false,
        }
    }
}

/// An IPv4 address carried in IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// One hop of `X-Forwarded-For`: an address, possibly with a port (`a.b.c.d:p`, `[v6]:p`).
fn hop(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    text.parse::<std::net::SocketAddr>().ok().map(|s| canonical(s.ip()))
}

impl TrustedProxies {
    /// Hops of `X-Forwarded-For` read at most; a longer chain is cut at its left.
    pub const MAX_HOPS: usize = 16;

    /// Reads a comma-separated list of addresses and CIDR blocks; empty believes none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let blocks = text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(Block::parse);
        Ok(Self { blocks: blocks.collect::<Result<_, _>>()? })
    }

    /// `MOTCUA_TRUSTED_PROXIES`, or none.
    pub fn from_env() -> Result<Self, String> {
        Self::parse(&std::env::var("MOTCUA_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| format!("MOTCUA_TRUSTED_PROXIES: {e}"))
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.blocks.iter().any(|b| b.contains(address))
    }

    /// The client behind `peer`, given the `X-Forwarded-For` values the request carries.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl IntoIterator<Item = &'a str>) -> IpAddr {
        self.walk(peer, forwarded, false)
    }

    /// The client of a request that came through the edge ([`crate::edge`]): `peer` is one of
    /// CloudFront's servers, proven by the edge's secret, so the address it appended (the last
    /// hop that is not `peer` itself, which API Gateway may have appended after it) is believed,
    /// and the walk goes on from there as for any trusted proxy.
    pub fn client_behind_edge<'a>(&self, peer: IpAddr, forwarded: impl IntoIterator<Item = &'a str>) -> IpAddr {
        self.walk(peer, forwarded, true)
    }

    fn walk<'a>(&self, peer: IpAddr, forwarded: impl IntoIterator<Item = &'a str>, edge: bool) -> IpAddr {
        let peer = canonical(peer);
        let mut client = peer;
        if !edge && !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded.into_iter().flat_map(|v| v.split(',')).collect();
        let mut past_the_edge = !edge;
        for text in hops.iter().rev().take(Self::MAX_HOPS) {
            match hop(text) {
                Some(address) if !past_the_edge && address == peer => continue,
                Some(address) => {
                    past_the_edge = true;
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn behind_the_edge_the_address_cloudfront_appended_is_the_client() {
        let none = TrustedProxies::default();
        let edge_server = ip("130.176.1.2");
        assert_eq!(none.client_behind_edge(edge_server, ["198.51.100.1"]), ip("198.51.100.1"));
        // API Gateway's own record of the edge server after it is passed over.
        assert_eq!(none.client_behind_edge(edge_server, ["198.51.100.1, 130.176.1.2"]), ip("198.51.100.1"));
        // What the viewer wrote itself before CloudFront's hop buys nothing.
        assert_eq!(none.client_behind_edge(edge_server, ["192.0.2.99, 198.51.100.1"]), ip("198.51.100.1"));
        // Nothing appended: the edge server is all that is known.
        assert_eq!(none.client_behind_edge(edge_server, []), edge_server);
        // A province's portal behind the edge, trusted, is walked past like any trusted proxy.
        let portal = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(portal.client_behind_edge(edge_server, ["198.51.100.7, 10.1.2.3"]), ip("198.51.100.7"));
        // Without the edge's mark the same request is counted against its peer.
        assert_eq!(none.client(edge_server, ["198.51.100.1"]), edge_server);
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.7"), ["198.51.100.1"]), ip("203.0.113.7"));
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("203.0.113.7"), ["198.51.100.1"]), ip("203.0.113.7"));
    }

    #[test]
    fn a_trusted_chain_is_read_from_the_right_to_the_first_stranger() {
        let proxies = TrustedProxies::parse(" 10.0.0.0/8 , 192.0.2.4,2001:db8::/32").unwrap();
        // The client forged a first hop; the proxies appended what they saw.
        let chain = ["1.2.3.4, 198.51.100.9", "10.1.2.3"];
        assert_eq!(proxies.client(ip("192.0.2.4"), chain), ip("198.51.100.9"));
        assert_eq!(proxies.client(ip("2001:db8::1"), ["[2001:db8::2]:443, 198.51.100.9:5123"]), ip("198.51.100.9"));
        assert_eq!(proxies.client(ip("::ffff:10.0.0.1"), ["198.51.100.9"]), ip("198.51.100.9"), "mapped IPv4");
        // Nothing forwarded, or only proxies: the last proxy is the client.
        assert_eq!(proxies.client(ip("10.0.0.1"), []), ip("10.0.0.1"));
        assert_eq!(proxies.client(ip("10.0.0.1"), ["10.0.0.2"]), ip("10.0.0.2"));
        // A hop that is not an address stops at the proxy that wrote it.
        assert_eq!(proxies.client(ip("10.0.0.1"), ["198.51.100.9, unknown"]), ip("10.0.0.1"));
    }

    #[test]
    fn a_long_chain_is_read_only_so_far() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let chain = std::iter::once("198.51.100.9".to_owned())
            .chain((0..40).map(|i| format!("10.0.0.{i}")))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(proxies.client(ip("10.9.9.9"), [chain.as_str()]), ip("10.0.0.24"));
    }

    #[test]
    fn blocks_are_checked_when_read() {
        for bad in ["10.0.0.0/33", "::/129", "ten", "10.0.0.0/x", "10.0.0/8"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        let all = TrustedProxies::parse("0.0.0.0/0").unwrap();
        assert!(all.trusts(ip("255.1.2.3")) && !all.trusts(ip("2001:db8::1")));
    }
}
