//! C printf's `%e` and `%g` for doubles, as glibc prints them (the
//! reference tools format FLOAT, DOUBLE and VECTOR values with them).
//! Rust's `{:e}` / `{:.N}` round exactly like glibc (correctly rounded
//! decimal conversion); only the exponent syntax and `%g`'s choice of
//! notation and zero trimming need doing here.

fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some(if x.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        })
    } else if x.is_infinite() {
        Some(if x < 0.0 { "-inf".into() } else { "inf".into() })
    } else {
        None
    }
}

/// Splits Rust's `{:.P e}` output into mantissa and exponent.
fn rust_e(x: f64, prec: usize) -> (String, i32) {
    let s = format!("{x:.prec$e}");
    match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse().unwrap_or(0)),
        None => (s, 0),
    }
}

fn c_exponent(out: &mut String, e: i32) {
    out.push('e');
    out.push(if e < 0 { '-' } else { '+' });
    let a = e.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
}

/// `%.{prec}e`
pub fn e(x: f64, prec: usize) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let (m, ex) = rust_e(x, prec);
    let mut s = m;
    c_exponent(&mut s, ex);
    s
}

/// `%.{prec}g`
pub fn g(x: f64, prec: usize) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let p = prec.max(1);
    let (_, ex) = rust_e(x, p - 1);
    let mut s = if ex < -4 || ex >= p as i32 {
        let (m, ex) = rust_e(x, p - 1);
        let mut m = trim_zeros(m);
        c_exponent(&mut m, ex);
        return m;
    } else {
        let decimals = (p as i32 - 1 - ex).max(0) as usize;
        format!("{x:.decimals$}")
    };
    s = trim_zeros(s);
    s
}

fn trim_zeros(s: String) -> String {
    if !s.contains('.') {
        return s;
    }
    let t = s.trim_end_matches('0');
    t.strip_suffix('.').unwrap_or(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_glibc() {
        assert_eq!(g(1.5, 6), "1.5");
        assert_eq!(g(100000.0, 6), "100000");
        assert_eq!(g(1000000.0, 6), "1e+06");
        assert_eq!(g(0.0001, 6), "0.0001");
        assert_eq!(g(0.00001, 6), "1e-05");
        assert_eq!(g(0.0, 6), "0");
        assert_eq!(g(-0.0, 6), "-0");
        assert_eq!(g(1.0 / 3.0, 20), "0.33333333333333331483");
        assert_eq!(g(123456789.0, 6), "1.23457e+08");
        assert_eq!(e(1.0, 5), "1.00000e+00");
        assert_eq!(e(-2.5e-300, 2), "-2.50e-300");
        assert_eq!(g(f64::INFINITY, 6), "inf");
    }
}
