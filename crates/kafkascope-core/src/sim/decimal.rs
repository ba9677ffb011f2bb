//! Decimal text to `f64`, exactly as `str::parse::<f64>` reads it (same grammar, same correctly
//! rounded value, bit for bit), for every number the model and the page parse (rates, durations,
//! the player's times and speeds, the tours' comparisons).
//!
//! Why not `str::parse`: the standard parser ships a 10 KB table of powers of five (and its slow
//! path), about 13 KB of the page's gzip. Here short numbers (at most 2^53 in their digits, a
//! power of ten up to 10^22: every number the scripts and the page write) take one exact
//! multiplication or division, which IEEE rounds correctly; anything else takes a slow but exact
//! path: the decimal as a ratio of big integers, 66 quotient bits by long division, rounded to
//! nearest, ties to even, with subnormals.

/// `s.parse::<f64>().ok()`.
pub fn parse_f64(s: &str) -> Option<f64> {
    let (neg, rest) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let signed = |x: f64| if neg { -x } else { x };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(signed(f64::INFINITY));
    }
    if rest.eq_ignore_ascii_case(b"nan") {
        return Some(signed(f64::NAN));
    }
    // Digits [. digits] [e [sign] digits], at least one digit before the exponent.
    let mut digits = Vec::new();
    let mut exp: i64 = 0;
    let mut i = 0;
    let mut any = false;
    while let Some(d) = rest.get(i).filter(|b| b.is_ascii_digit()) {
        digits.push(d - b'0');
        (i, any) = (i + 1, true);
    }
    if rest.get(i) == Some(&b'.') {
        i += 1;
        while let Some(d) = rest.get(i).filter(|b| b.is_ascii_digit()) {
            digits.push(d - b'0');
            (i, any, exp) = (i + 1, true, exp - 1);
        }
    }
    if !any {
        return None;
    }
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        i += 1;
        let negative = match rest.get(i) {
            Some(b'-') => (i += 1, true).1,
            Some(b'+') => (i += 1, false).1,
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(d) = rest.get(i).filter(|b| b.is_ascii_digit()) {
            // Saturates far beyond any exponent that is not 0 or infinity anyway.
            e = (e * 10 + i64::from(d - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if negative { -e } else { e };
    }
    if i != rest.len() {
        return None;
    }
    Some(signed(value(digits, exp)))
}

/// The powers of ten that an `f64` holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Digits (most significant first) × 10^exp, rounded to the nearest `f64`.
fn value(mut digits: Vec<u8>, mut exp: i64) -> f64 {
    let lead = digits.iter().take_while(|&&d| d == 0).count();
    digits.drain(..lead);
    while digits.last() == Some(&0) {
        digits.pop();
        exp += 1;
    }
    let n = digits.len() as i64;
    if n == 0 || n + exp <= -324 {
        return 0.0; // below 10^-324, under half the smallest subnormal
    }
    if n + exp >= 310 {
        return f64::INFINITY; // at least 10^309
    }
    if n <= 19 {
        let m = digits.iter().fold(0u64, |m, &d| m * 10 + u64::from(d));
        if m <= 1 << 53 && (-22..=22).contains(&exp) {
            let p = POW10[exp.unsigned_abs() as usize];
            return if exp < 0 { m as f64 / p } else { m as f64 * p };
        }
    }
    // No boundary between two doubles (nor any double) has more than 767 significant digits: a
    // longer decimal reads as its first 800 digits and a 1, which lies on the same side of them.
    if digits.len() > 800 {
        exp += digits.len() as i64 - 801;
        digits.truncate(800);
        digits.push(1);
    }
    slow(&digits, exp)
}

fn slow(digits: &[u8], exp: i64) -> f64 {
    // The value is num / den.
    let mut num = Big(vec![]);
    for &d in digits {
        num.mul_add(10, u32::from(d));
    }
    let mut den = Big(vec![1]);
    for _ in 0..exp.unsigned_abs() {
        if exp > 0 { &mut num } else { &mut den }.mul_add(10, 0);
    }
    // Scaled so that q = floor(num / den) is in [2^63, 2^65).
    let s = 64 - (num.bits() - den.bits());
    if s > 0 {
        num = num.shl(s as usize);
    } else {
        den = den.shl(-s as usize);
    }
    let mut q: u128 = 0;
    for i in (0..66).rev() {
        let d = den.shl(i);
        if !num.less(&d) {
            num.sub(&d);
            q |= 1 << i;
        }
    }
    let sticky = !num.0.is_empty();
    let bits = 128 - i64::from(q.leading_zeros());
    let mut e2 = bits - 1 - s; // value in [2^e2, 2^(e2 + 1))
    let keep = if e2 >= -1022 { 53 } else { e2 + 1075 };
    if keep < 0 {
        return 0.0;
    }
    let drop = (bits - keep) as u32;
    let (mut m, rem, half) = (q >> drop, q & ((1 << drop) - 1), 1u128 << (drop - 1));
    if rem > half || (rem == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    if e2 < -1022 {
        return f64::from_bits(m as u64); // a subnormal (or, rounded up, the smallest normal)
    }
    if m == 1 << 53 {
        (m, e2) = (m >> 1, e2 + 1);
    }
    if e2 > 1023 {
        return f64::INFINITY;
    }
    f64::from_bits((((e2 + 1023) as u64) << 52) | (m as u64 & ((1 << 52) - 1)))
}

/// A natural number in 32-bit limbs, least significant first, no zero limb at the top.
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(mul) + carry;
            (*limb, carry) = (x as u32, x >> 32);
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn bits(&self) -> i64 {
        self.0.last().map_or(0, |top| {
            self.0.len() as i64 * 32 - i64::from(top.leading_zeros())
        })
    }

    fn shl(&self, by: usize) -> Big {
        let (limbs, by) = (by / 32, by % 32);
        let mut out = vec![0; limbs];
        let mut carry = 0;
        for &limb in &self.0 {
            let x = (u64::from(limb) << by) | carry;
            out.push(x as u32);
            carry = x >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Big(out)
    }

    fn less(&self, other: &Big) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() < other.0.len();
        }
        self.0.iter().rev().lt(other.0.iter().rev())
    }

    /// self -= other (other <= self).
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let x = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            (*limb, borrow) = (x as u32, i64::from(x < 0));
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) {
        let want = s.parse::<f64>().ok().map(f64::to_bits);
        assert_eq!(parse_f64(s).map(f64::to_bits), want, "{s:?}");
    }

    #[test]
    fn reads_as_the_standard_parser() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.e5",
            ".5",
            "5.",
            "-.5e-3",
            "+1",
            "--1",
            " 1",
            "1 ",
            "1_0",
            "0x10",
            "inf",
            "-Infinity",
            "NaN",
            "-nan",
            "infinit",
            "0",
            "-0",
            "0e999999999999999999999",
            "1e-400",
            "1e400",
            "00012.500",
            "100/s",
            "9007199254740993",
            "9007199254740992",
            "9007199254740991",
            "1e22",
            "1e23",
            "123456789012345678901234567890",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "0.1",
            "0.3",
            "1.5",
            "12.25",
            "0.000001",
        ] {
            same(s);
        }
    }

    #[test]
    fn long_decimals_read_as_the_standard_parser() {
        // The midpoint between 1 and the next double, exactly, then a hair above and below.
        let half = "1.00000000000000011102230246251565404236316680908203125";
        same(half);
        same(&format!("{half}0000000000000000000000001"));
        same("1.00000000000000011102230246251565404236316680908203124999999999");
        same(&format!("0.{}1", "0".repeat(2000)));
        same(&format!("1{}", "0".repeat(1000)));
        same(&format!("9{}e-1300", "9".repeat(900)));
        same(&format!("{}e-1100", "7".repeat(790)));
    }

    #[test]
    fn random_decimals_read_as_the_standard_parser() {
        let mut rng = crate::sim::rng::SplitMix64::new(7);
        for _ in 0..200_000 {
            let mut s = String::new();
            let digits = 1 + rng.next_u64() % 40;
            let point = rng.next_u64() % (digits + 1);
            for i in 0..digits {
                if i == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + (rng.next_u64() % 10) as u8));
            }
            if rng.next_u64().is_multiple_of(2) {
                let e = (rng.next_u64() % 700) as i64 - 350;
                s.push_str(&format!("e{e}"));
            }
            same(&s);
        }
    }
}
