//! The endpoint's accounts: a name, a role, and the password only as
//! hashes ([`StoredPassword`]). Config files carry the hashes in hex
//! (`understudy hash-password` prints them); `--admin-password-file`
//! hashes the file's password at start-up and forgets it.

use understudy_mysql_proto::serve::StoredPassword;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads, SHOW statements, session variables.
    ReadOnly,
    /// Also CHANGE REPLICATION SOURCE, START/STOP/RESET REPLICA, SET
    /// GLOBAL.
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s.to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "read-only" | "readonly" | "read_only" => Ok(Role::ReadOnly),
            o => Err(format!("unknown role '{o}' (admin or read-only)")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pub password: StoredPassword,
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim().trim_start_matches('*');
    if s.len() != N * 2 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

impl Account {
    pub fn with_password(name: &str, role: Role, password: &[u8]) -> Account {
        Account {
            name: name.to_owned(),
            role,
            password: StoredPassword::hash(password),
        }
    }

    /// An account from a config file: `native` is MySQL's
    /// `*`+40-hex form (SHA1(SHA1(p))), `sha2` 64 hex digits of
    /// SHA256(SHA256(p)).
    pub fn from_hashes(
        name: &str,
        role: Role,
        native: &str,
        sha2: &str,
    ) -> Result<Account, String> {
        let native = unhex::<20>(native).ok_or_else(|| {
            format!("account '{name}': password-native must be * and 40 hex digits")
        })?;
        let sha2 = unhex::<32>(sha2)
            .ok_or_else(|| format!("account '{name}': password-sha2 must be 64 hex digits"))?;
        Ok(Account {
            name: name.to_owned(),
            role,
            password: StoredPassword { native, sha2 },
        })
    }
}

/// The two lines a config file's account takes for `password`.
pub fn hashes_for_config(password: &[u8]) -> String {
    let p = StoredPassword::hash(password);
    format!(
        "password-native = \"*{}\"\npassword-sha2 = \"{}\"\n",
        hex(&p.native),
        hex(&p.sha2)
    )
}

#[derive(Debug, Clone, Default)]
pub struct Accounts(Vec<Account>);

impl Accounts {
    pub fn new(accounts: Vec<Account>) -> Accounts {
        Accounts(accounts)
    }

    pub fn find(&self, name: &str) -> Option<&Account> {
        self.0.iter().find(|a| a.name == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_hashes_read_back() {
        let text = hashes_for_config(b"pw");
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k))
                .unwrap()
                .trim_matches(|c| c == ' ' || c == '=' || c == '"')
                .to_owned()
        };
        let a = Account::from_hashes(
            "x",
            Role::ReadOnly,
            &get("password-native"),
            &get("password-sha2"),
        )
        .unwrap();
        assert_eq!(a.password, StoredPassword::hash(b"pw"));
        // MariaDB 10.11's PASSWORD('pw'), the mysql_native_password form.
        assert!(text.contains("password-native = \"*D821809F681A40A6E379B50D0463EFAE20BDD122\""));
        assert!(Account::from_hashes("x", Role::Admin, "*12", "ab").is_err());
        assert_eq!("read-only".parse::<Role>(), Ok(Role::ReadOnly));
    }
}
