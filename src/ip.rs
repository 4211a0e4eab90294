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
    let text = match (text.as_bytes().first(), text.as_bytes().last()) {
        // Most texts have nothing to trim: skip the Unicode-aware trim.
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    };
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
    if let Some(addr) = dotted_quad_with_port(text.as_bytes()) {
        return Some(addr);
    }
    let host = match text.split_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() => host,
        Some(_) => return None,
        None => text,
    };
    host.parse().ok()
}

/// Reads `a.b.c.d` or `a.b.c.d:port` in one pass (each part 1 to 3 digits, at most 255, no
/// leading zero; the port all digits); `None` for anything else, which the general path then
/// judges. Never `Some` where the general path would read something else.
#[inline]
fn dotted_quad_with_port(text: &[u8]) -> Option<std::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (i, octet) in octets.iter_mut().enumerate() {
        if i > 0 {
            if text.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let digits = text
            .get(at..)?
            .iter()
            .take(4)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 || (digits > 1 && text[at] == b'0') {
            return None;
        }
        let value = text[at..at + digits]
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        *octet = u8::try_from(value).ok()?;
        at += digits;
    }
    match text.get(at..)? {
        [] => {}
        [b':', port @ ..] if !port.is_empty() && port.iter().all(u8::is_ascii_digit) => {}
        _ => return None,
    }
    Some(std::net::Ipv4Addr::from(octets))
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
    fn dotted_quads_read_like_the_general_path() {
        for text in [
            "0.0.0.0",
            "255.255.255.255",
            "185.73.124.135",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "1..3.4",
            "1.2.3.4.",
            "a.b.c.d",
            "1.2.3.1000",
            "",
        ] {
            for text in [
                text.to_owned(),
                format!("{text}:443"),
                format!("{text}:"),
                format!("{text}:4a"),
            ] {
                let ours = dotted_quad_with_port(text.as_bytes());
                let general = text
                    .split_once(':')
                    .map_or(Some(text.as_str()), |(host, port)| {
                        (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
                            .then_some(host)
                    })
                    .and_then(|host| host.parse::<std::net::Ipv4Addr>().ok());
                assert!(ours.is_none() || ours == general, "{text}");
            }
        }
        assert!(dotted_quad_with_port(b"185.73.124.135").is_some());
        assert!(dotted_quad_with_port(b"185.73.124.135:19823").is_some());
    }

    #[test]
    fn comparable_forms() {
        assert_eq!(comparable_address("185.73.124.135:19823"), "185.73.124.135");
        assert_eq!(comparable_address("Host.Contoso.COM"), "host.contoso.com");
        assert!(is_link_local(&parse_client_address("FE80::").unwrap()));
    }
}
