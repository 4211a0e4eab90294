//! Client addresses.
//!
//! `ClientIP` arrives as `185.73.124.135`, `185.73.124.135:19823`, `[2001:db8::1]:443`,
//! `::ffff:10.1.2.3`, `FE80::`, or a bare host name. The text is kept as given; this module
//! derives the bare address used for display, grouping and `--ip` filters.

use std::net::{IpAddr, Ipv6Addr};

/// Derives the bare IP address from a `ClientIP`-style text, or `None` for host names and
/// unreadable text. IPv4-mapped IPv6 addresses come out as IPv4, so that the same client
/// groups together whichever form a record used.
pub fn parse_client_address(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let addr = if let Some(v4) = parse_v4_with_port(text) {
        IpAddr::V4(v4)
    } else if let Some(rest) = text.strip_prefix('[') {
        // [v6] or [v6]:port
        rest.split_once(']')?.0.parse::<IpAddr>().ok()?
    } else if let Ok(addr) = text.parse::<IpAddr>() {
        addr
    } else {
        // v4:port (a bare v6 address has already parsed above).
        let (host, port) = text.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)?
    };
    Some(unmap(addr))
}

/// The common case, `a.b.c.d` or `a.b.c.d:port`, without trying IPv6 first.
fn parse_v4_with_port(text: &str) -> Option<std::net::Ipv4Addr> {
    let host = match text.split_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() => host,
        Some(_) => return None,
        None => text,
    };
    host.parse().ok()
}

fn unmap(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The form used to compare addresses given by a user with addresses in records: the canonical
/// address when the text is one, otherwise the trimmed text in lower case (host names).
pub fn comparable_address(text: &str) -> String {
    match parse_client_address(text) {
        Some(addr) => addr.to_string(),
        None => text.trim().to_ascii_lowercase(),
    }
}

/// True for an IPv6 unspecified or link-local form such as `FE80::`, which some records carry.
pub fn is_link_local(addr: &IpAddr) -> bool {
    match addr {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80 || *v6 == Ipv6Addr::UNSPECIFIED,
        IpAddr::V4(v4) => v4.is_link_local(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(s: &str) -> Option<String> {
        parse_client_address(s).map(|a| a.to_string())
    }

    #[test]
    fn derives_bare_addresses() {
        assert_eq!(bare("185.73.124.135").as_deref(), Some("185.73.124.135"));
        assert_eq!(
            bare("185.73.124.135:19823").as_deref(),
            Some("185.73.124.135")
        );
        assert_eq!(bare("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(bare("[2001:DB8::1]").as_deref(), Some("2001:db8::1"));
        assert_eq!(bare("::ffff:10.1.2.3").as_deref(), Some("10.1.2.3"));
        assert_eq!(bare("FE80::").as_deref(), Some("fe80::"));
        assert_eq!(
            bare(" 2001:0db8:0000::0001 ").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(bare("mail.contoso.com"), None);
        assert_eq!(bare("1.2.3.4:notaport"), None);
        assert_eq!(bare(""), None);
    }

    #[test]
    fn comparable_forms() {
        assert_eq!(comparable_address("185.73.124.135:19823"), "185.73.124.135");
        assert_eq!(comparable_address("Host.Contoso.COM"), "host.contoso.com");
        assert!(is_link_local(&parse_client_address("FE80::").unwrap()));
    }
}
