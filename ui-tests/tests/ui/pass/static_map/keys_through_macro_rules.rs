//! Keys and types forwarded by `macro_rules!` arrive wrapped in invisible groups.

macro_rules! codes {
    ($name:ident: $key:ty => $value:ty { $($k:expr => $v:expr),* $(,)? }) => {
        knhk_runtime::static_map! {
            static $name: StaticMap<$key, $value> = { $($k => $v),* };
        }
    };
}

macro_rules! literal_codes {
    ($name:ident { $($k:literal => $v:literal),* }) => {
        knhk_runtime::static_map! {
            static $name: StaticMap<&'static str, u16> = { $($k => $v),* };
        }
    };
}

codes!(STATUS: u16 => &'static str { 200 => "OK", 404 => "Not Found", 0 => "zero" });
literal_codes!(BY_NAME { "OK" => 200, "Not Found" => 404 });

fn main() {
    assert_eq!(STATUS.get(&404), Some(&"Not Found"));
    assert_eq!(STATUS.get(&0), Some(&"zero"));
    assert_eq!(BY_NAME.get("OK"), Some(&200));
}
