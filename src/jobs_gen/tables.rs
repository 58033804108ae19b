//! Static data the generator draws from: company name parts, first names,
//! businesses, industries, audiences, languages, cross-category skills, tag
//! words, and the client countries with their cities and time zones.

/// Made-up company names: a first part and a second part, joined.
#[rustfmt::skip]
pub(super) static BRAND_PARTS: [&[&str]; 2] = [
    &["Nord", "Bright", "Blue", "Oak", "Silver", "Green", "Red", "Sun", "Peak", "River", "Stone", "North", "Clear",
      "True", "Swift", "Iron", "Cedar", "Maple", "Harbor", "Summit", "Pixel", "Lumen", "Nova", "Atlas", "Vertex",
      "Orbit", "Echo", "Kite", "Fox", "Birch", "Coral", "Amber", "Pine", "Willow", "Falcon", "Beacon"],
    &["well", "path", "labs", "works", "stack", "forge", "field", "bridge", "point", "wave", "leaf", "line", "hub",
      "craft", "nest", "gate", "spark", "mint", "ware", "base", "loop", "shore", "view", "wind"],
];

#[rustfmt::skip]
pub(super) static FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Isabel", "Jack", "Kavya", "Liam", "Maria",
    "Noah", "Olivia", "Pedro", "Priya", "Quinn", "Rachel", "Sam", "Tomas", "Uma", "Victor", "Wei", "Yusuf", "Zoe",
    "Aisha", "Bruno", "Chloe", "Daniel", "Emma", "Felix", "Hannah", "Ivan", "Julia", "Kenji", "Laura", "Mateo",
    "Nina", "Oscar", "Paula", "Ravi", "Sofia", "Tariq", "Valerie", "Will", "Yara", "Lucas", "Mia", "Ethan",
];

pub(super) static DURATION_PHRASES: [&str; 4] =
    ["less than a month", "one to three months", "three to six months", "more than six months"];

#[rustfmt::skip]
pub(super) static BUSINESSES: &[&str] = &[
    "SaaS platform", "online store", "dental clinic", "marketing agency", "real estate brokerage",
    "fitness app", "law firm", "restaurant group", "logistics startup", "B2B software company",
    "e-learning platform", "boutique hotel", "fintech startup", "healthcare provider",
    "construction company", "coffee brand", "fashion label", "podcast", "YouTube channel",
    "mobile game studio", "travel agency", "accounting firm", "insurance agency",
    "property management company", "pet supplies brand", "skincare brand", "event venue",
    "nonprofit", "university lab", "recruiting agency", "car dealership", "solar installer",
    "HVAC company", "craft brewery", "yoga studio", "coaching business", "consulting firm",
    "manufacturing company", "subscription box service", "marketplace startup", "music label",
    "architecture firm", "veterinary clinic", "biotech startup", "print shop", "family bakery",
    "language school", "cybersecurity firm", "home services company", "wedding planner",
];

#[rustfmt::skip]
pub(super) static INDUSTRIES: &[&str] = &[
    "SaaS", "e-commerce", "healthcare", "real estate", "fintech", "education", "travel",
    "hospitality", "logistics", "legal", "nonprofit", "manufacturing", "retail", "media", "gaming",
    "fitness", "beauty", "food and beverage", "construction", "automotive", "insurance", "energy",
    "agriculture", "marketing", "HR tech", "biotech", "fashion", "sports", "entertainment",
    "telecom", "cybersecurity", "home services",
];

#[rustfmt::skip]
pub(super) static COMPANY_KINDS: &[&str] = &[
    "small", "fast-growing", "family-owned", "venture-backed", "mid-sized", "two-person",
    "bootstrapped", "remote-first", "established", "award-winning", "independent",
];

#[rustfmt::skip]
pub(super) static AUDIENCES: &[&str] = &[
    "small business owners", "young professionals", "parents", "gamers", "healthcare professionals",
    "students", "software developers", "retirees", "marketing managers", "homeowners",
    "online shoppers", "startup founders", "teachers", "travellers", "enterprise buyers",
];

#[rustfmt::skip]
pub(super) static START_DATES: &[&str] = &[
    "this week", "next Monday", "as soon as possible", "within two weeks",
    "at the beginning of next month", "right away",
];

#[rustfmt::skip]
pub(super) static PROPOSAL_KEYWORDS: &[&str] = &[
    "blueberry", "pineapple", "lighthouse", "orbit", "maple", "sunflower", "compass", "avocado",
    "tangerine", "falcon", "harbor", "marble",
];

#[rustfmt::skip]
pub(super) static LANGUAGES: &[&str] = &[
    "Spanish", "French", "German", "Portuguese", "Italian", "Japanese", "Chinese", "Korean",
    "Arabic", "Dutch", "Russian", "Polish", "Turkish", "Hindi", "Vietnamese", "Swedish", "Hebrew",
    "Indonesian", "Ukrainian", "Greek", "Thai", "Romanian", "Czech", "Danish",
];

/// Skills that turn up in any category, Zipf-weighted in this order.
#[rustfmt::skip]
pub(super) static CROSS_CATEGORY_SKILLS: &[&str] = &[
    "English", "Communications", "Microsoft Excel", "Google Sheets", "Project Management",
    "Google Docs", "Research", "Problem Solving", "Time Management", "Slack", "Notion",
    "Microsoft Word", "Canva", "ChatGPT", "Presentations", "Documentation", "Spanish",
    "Customer Relationship Management", "Attention to Detail", "Multitasking", "Loom",
    "Microsoft Teams", "Zoom", "Dropbox",
];

pub(super) static HOURLY_TAGS: &[&str] = &["long-term", "ongoing", "part-time", "remote", "retainer"];
pub(super) static FIXED_TAGS: &[&str] = &["one-time-project", "mvp", "urgent", "quick-task", "redesign"];
pub(super) static GENERIC_TAGS: &[&str] = &["remote", "freelance", "new-client", "startup"];

pub(super) const PRIVACY_REASON: &str = "Only freelancers invited by the client can see this job";

pub(super) static SPAM_HANDLES: &[&str] =
    &["hr_manager_", "recruit_anna", "jobs_team_", "hiring_mark", "kate_hr", "onlinework_"];

/// A client country: relative weight, and cities with their IANA time zone.
pub(super) struct BuyerCountry {
    pub(super) code: &'static str,
    pub(super) weight: f64,
    pub(super) cities: &'static [(&'static str, &'static str)],
}

/// Where Upwork clients are, roughly: the US first by far, then other
/// English-speaking and western European markets.
#[rustfmt::skip]
pub(super) static BUYER_COUNTRIES: &[BuyerCountry] = &[
    BuyerCountry { code: "US", weight: 38.0, cities: &[
        ("New York", "America/New_York"), ("San Francisco", "America/Los_Angeles"),
        ("Los Angeles", "America/Los_Angeles"), ("Chicago", "America/Chicago"),
        ("Austin", "America/Chicago"), ("Seattle", "America/Los_Angeles"), ("Miami", "America/New_York"),
        ("Boston", "America/New_York"), ("Denver", "America/Denver"), ("Phoenix", "America/Phoenix"),
        ("Atlanta", "America/New_York"), ("Dallas", "America/Chicago"), ("Houston", "America/Chicago"),
        ("San Diego", "America/Los_Angeles"), ("Salt Lake City", "America/Denver"),
        ("Honolulu", "Pacific/Honolulu"), ("Anchorage", "America/Anchorage"),
        ("Detroit", "America/Detroit"), ("Indianapolis", "America/Indiana/Indianapolis"),
    ]},
    BuyerCountry { code: "GB", weight: 8.0, cities: &[
        ("London", "Europe/London"), ("Manchester", "Europe/London"), ("Birmingham", "Europe/London"),
        ("Edinburgh", "Europe/London"), ("Bristol", "Europe/London"), ("Leeds", "Europe/London"),
    ]},
    BuyerCountry { code: "CA", weight: 6.0, cities: &[
        ("Toronto", "America/Toronto"), ("Vancouver", "America/Vancouver"), ("Montreal", "America/Toronto"),
        ("Calgary", "America/Edmonton"), ("Ottawa", "America/Toronto"), ("Halifax", "America/Halifax"),
    ]},
    BuyerCountry { code: "AU", weight: 5.0, cities: &[
        ("Sydney", "Australia/Sydney"), ("Melbourne", "Australia/Melbourne"),
        ("Brisbane", "Australia/Brisbane"), ("Perth", "Australia/Perth"), ("Adelaide", "Australia/Adelaide"),
    ]},
    BuyerCountry { code: "DE", weight: 3.5, cities: &[
        ("Berlin", "Europe/Berlin"), ("Munich", "Europe/Berlin"), ("Hamburg", "Europe/Berlin"),
        ("Frankfurt", "Europe/Berlin"),
    ]},
    BuyerCountry { code: "IN", weight: 3.0, cities: &[
        ("Bengaluru", "Asia/Kolkata"), ("Mumbai", "Asia/Kolkata"), ("New Delhi", "Asia/Kolkata"),
        ("Hyderabad", "Asia/Kolkata"), ("Pune", "Asia/Kolkata"),
    ]},
    BuyerCountry { code: "NL", weight: 2.0, cities: &[
        ("Amsterdam", "Europe/Amsterdam"), ("Rotterdam", "Europe/Amsterdam"), ("Utrecht", "Europe/Amsterdam"),
    ]},
    BuyerCountry { code: "FR", weight: 2.0, cities: &[("Paris", "Europe/Paris"), ("Lyon", "Europe/Paris")] },
    BuyerCountry { code: "IL", weight: 1.8, cities: &[("Tel Aviv", "Asia/Jerusalem"), ("Jerusalem", "Asia/Jerusalem")] },
    BuyerCountry { code: "AE", weight: 1.8, cities: &[("Dubai", "Asia/Dubai"), ("Abu Dhabi", "Asia/Dubai")] },
    BuyerCountry { code: "SG", weight: 1.5, cities: &[("Singapore", "Asia/Singapore")] },
    BuyerCountry { code: "CH", weight: 1.2, cities: &[("Zurich", "Europe/Zurich"), ("Geneva", "Europe/Zurich")] },
    BuyerCountry { code: "SE", weight: 1.0, cities: &[("Stockholm", "Europe/Stockholm"), ("Gothenburg", "Europe/Stockholm")] },
    BuyerCountry { code: "IE", weight: 1.0, cities: &[("Dublin", "Europe/Dublin"), ("Cork", "Europe/Dublin")] },
    BuyerCountry { code: "ES", weight: 1.0, cities: &[("Madrid", "Europe/Madrid"), ("Barcelona", "Europe/Madrid")] },
    BuyerCountry { code: "IT", weight: 0.8, cities: &[("Milan", "Europe/Rome"), ("Rome", "Europe/Rome")] },
    BuyerCountry { code: "NZ", weight: 0.8, cities: &[("Auckland", "Pacific/Auckland"), ("Wellington", "Pacific/Auckland")] },
    BuyerCountry { code: "BR", weight: 0.8, cities: &[("São Paulo", "America/Sao_Paulo"), ("Rio de Janeiro", "America/Sao_Paulo")] },
    BuyerCountry { code: "MX", weight: 0.6, cities: &[("Mexico City", "America/Mexico_City"), ("Guadalajara", "America/Mexico_City")] },
    BuyerCountry { code: "PL", weight: 0.6, cities: &[("Warsaw", "Europe/Warsaw"), ("Kraków", "Europe/Warsaw")] },
    BuyerCountry { code: "DK", weight: 0.6, cities: &[("Copenhagen", "Europe/Copenhagen")] },
    BuyerCountry { code: "SA", weight: 0.6, cities: &[("Riyadh", "Asia/Riyadh"), ("Jeddah", "Asia/Riyadh")] },
    BuyerCountry { code: "NO", weight: 0.5, cities: &[("Oslo", "Europe/Oslo")] },
    BuyerCountry { code: "BE", weight: 0.5, cities: &[("Brussels", "Europe/Brussels"), ("Antwerp", "Europe/Brussels")] },
    BuyerCountry { code: "HK", weight: 0.5, cities: &[("Hong Kong", "Asia/Hong_Kong")] },
    BuyerCountry { code: "ZA", weight: 0.5, cities: &[("Cape Town", "Africa/Johannesburg"), ("Johannesburg", "Africa/Johannesburg")] },
    BuyerCountry { code: "PK", weight: 0.5, cities: &[("Karachi", "Asia/Karachi"), ("Lahore", "Asia/Karachi")] },
    BuyerCountry { code: "AT", weight: 0.4, cities: &[("Vienna", "Europe/Vienna")] },
    BuyerCountry { code: "JP", weight: 0.4, cities: &[("Tokyo", "Asia/Tokyo"), ("Osaka", "Asia/Tokyo")] },
    BuyerCountry { code: "PT", weight: 0.4, cities: &[("Lisbon", "Europe/Lisbon"), ("Porto", "Europe/Lisbon")] },
    BuyerCountry { code: "PH", weight: 0.4, cities: &[("Manila", "Asia/Manila"), ("Cebu City", "Asia/Manila")] },
    BuyerCountry { code: "KR", weight: 0.3, cities: &[("Seoul", "Asia/Seoul")] },
    BuyerCountry { code: "NG", weight: 0.3, cities: &[("Lagos", "Africa/Lagos")] },
    BuyerCountry { code: "TR", weight: 0.3, cities: &[("Istanbul", "Europe/Istanbul")] },
    BuyerCountry { code: "FI", weight: 0.3, cities: &[("Helsinki", "Europe/Helsinki")] },
    BuyerCountry { code: "MY", weight: 0.3, cities: &[("Kuala Lumpur", "Asia/Kuala_Lumpur")] },
    BuyerCountry { code: "CZ", weight: 0.2, cities: &[("Prague", "Europe/Prague")] },
    BuyerCountry { code: "RO", weight: 0.2, cities: &[("Bucharest", "Europe/Bucharest")] },
    BuyerCountry { code: "UA", weight: 0.2, cities: &[("Kyiv", "Europe/Kyiv")] },
    BuyerCountry { code: "AR", weight: 0.2, cities: &[("Buenos Aires", "America/Argentina/Buenos_Aires")] },
    BuyerCountry { code: "CL", weight: 0.2, cities: &[("Santiago", "America/Santiago")] },
    BuyerCountry { code: "CO", weight: 0.2, cities: &[("Bogotá", "America/Bogota"), ("Medellín", "America/Bogota")] },
    BuyerCountry { code: "KE", weight: 0.2, cities: &[("Nairobi", "Africa/Nairobi")] },
    BuyerCountry { code: "QA", weight: 0.2, cities: &[("Doha", "Asia/Qatar")] },
    BuyerCountry { code: "TH", weight: 0.2, cities: &[("Bangkok", "Asia/Bangkok")] },
    BuyerCountry { code: "ID", weight: 0.2, cities: &[("Jakarta", "Asia/Jakarta")] },
    BuyerCountry { code: "CY", weight: 0.2, cities: &[("Limassol", "Asia/Nicosia")] },
    BuyerCountry { code: "EE", weight: 0.2, cities: &[("Tallinn", "Europe/Tallinn")] },
    BuyerCountry { code: "GR", weight: 0.2, cities: &[("Athens", "Europe/Athens")] },
    BuyerCountry { code: "VN", weight: 0.15, cities: &[("Ho Chi Minh City", "Asia/Ho_Chi_Minh")] },
    BuyerCountry { code: "HU", weight: 0.15, cities: &[("Budapest", "Europe/Budapest")] },
    BuyerCountry { code: "LU", weight: 0.15, cities: &[("Luxembourg", "Europe/Luxembourg")] },
    BuyerCountry { code: "EG", weight: 0.15, cities: &[("Cairo", "Africa/Cairo")] },
];
