//! A browser for redirect chains across hosts: it keeps each host's cookies and follows
//! `Location` headers one hop at a time, so a test can stop where it wants to look.

use reqwest::header::HeaderMap;
use std::collections::HashMap;

/// Cookies per `host:port`, sent back as a browser would (no path or expiry subtleties
/// beyond deletion by `Max-Age=0`).
#[derive(Default, Clone)]
pub struct Browser {
    jars: HashMap<String, HashMap<String, String>>,
}

/// One hop's answer.
#[derive(Debug)]
pub struct Hop {
    pub status: u16,
    pub location: Option<String>,
    pub headers: HeaderMap,
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

impl Browser {
    /// A GET of `url` with this browser's cookies for its host; stores what it sets.
    pub async fn get(&mut self, url: &str) -> Hop {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = client.get(url);
        if let Some(cookie) = self.cookie_header(url) {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        self.keep(url, response.headers());
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| absolute(url, l));
        Hop {
            status: response.status().as_u16(),
            location,
            headers: response.headers().clone(),
        }
    }

    /// Follows redirects from `url` until one leads to a URL starting with `stop_at`,
    /// which is returned unvisited.
    pub async fn follow_until(&mut self, url: &str, stop_at: &str) -> String {
        let mut next = url.to_owned();
        for _ in 0..20 {
            if next.starts_with(stop_at) {
                return next;
            }
            let hop = self.get(&next).await;
            next = hop
                .location
                .unwrap_or_else(|| panic!("no redirect from {next} (status {})", hop.status));
        }
        panic!("too many redirects from {url}");
    }

    /// The `Cookie` header this browser sends to `url`'s host.
    pub fn cookie_header(&self, url: &str) -> Option<String> {
        let jar = self.jars.get(&host_of(url))?;
        (!jar.is_empty()).then(|| {
            jar.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// The value of a cookie this browser holds for `url`'s host.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jars.get(&host_of(url))?.get(name).cloned()
    }

    /// Stores the cookies a response to `url` sets.
    pub fn keep(&mut self, url: &str, headers: &HeaderMap) {
        let jar = self.jars.entry(host_of(url)).or_default();
        for line in headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let first = line.split(';').next().unwrap_or_default();
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            if line.to_ascii_lowercase().contains("max-age=0") {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }
}

/// `location` made absolute against `base`.
fn absolute(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let (scheme, rest) = base.split_once("://").unwrap();
    let authority = rest.split(['/', '?', '#']).next().unwrap();
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let dir = base.rsplit_once('/').map_or(base, |(d, _)| d);
        format!("{dir}/{location}")
    }
}
