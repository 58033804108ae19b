//! Upwork's job category taxonomy: category groups and their categories.
//!
//! Every job carries `category.{name, slug, group, group_slug}`, and the API
//! filters on `category` and `category_group` slugs and answers 400 for an
//! unknown one (SPEC §3), lists the taxonomy at `GET /categories`, and counts
//! jobs per group in the admin stats. All of those read this one table, so a
//! slug means the same thing everywhere.
//!
//! The groups are the ones Upwork shows on its site and that the original
//! service returns: its example job is "Web Development" in the group
//! "Development & IT" (`development-it`), and its FAQ lists Development & IT,
//! Design & Creative, Writing & Translation, Sales & Marketing, Admin &
//! Customer Support, Finance & Accounting, Engineering & Architecture and
//! Legal. AI Services and HR & Training complete Upwork's current list. The
//! categories are Upwork's own sub-categories ("Web Development", "Mobile
//! Development", "AI & Machine Learning", "Translation & Localization
//! Services", ...), placed in the group Upwork places them in.
//!
//! Slugs are the names in lower-case kebab case with `&`, `,` and `/`
//! dropped ("Data Extraction/ETL" → `data-extraction-etl`); a test holds
//! every row to that rule.
//!
//! Each category also lists typical skills, most common first. The synthetic
//! job generator (`jobs_gen`) draws from them with a long-tail weighting, so
//! the order is part of what makes generated data look real.

/// One category with the group it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryInfo {
    pub name: &'static str,
    pub slug: &'static str,
    pub group: &'static str,
    pub group_slug: &'static str,
    /// Skills a posting in this category typically asks for, most common first.
    pub typical_skills: &'static [&'static str],
}

/// Finds a category by its slug, ignoring ASCII case.
pub fn category_by_slug(slug: &str) -> Option<&'static CategoryInfo> {
    CATEGORIES.iter().find(|category| category.slug.eq_ignore_ascii_case(slug))
}

/// True when `slug` is a category group's slug, ignoring ASCII case.
pub fn is_group_slug(slug: &str) -> bool {
    CATEGORIES.iter().any(|category| category.group_slug.eq_ignore_ascii_case(slug))
}

/// Every group once, as `(group, group_slug)`, in table order.
pub fn group_slugs() -> impl Iterator<Item = (&'static str, &'static str)> {
    // Architecture Invariant: a group's categories are contiguous in
    // `CATEGORIES` (a test checks it), so a change of group slug between
    // neighbours is the start of a new group.
    CATEGORIES
        .iter()
        .enumerate()
        .filter(|(position, category)| *position == 0 || CATEGORIES[position - 1].group_slug != category.group_slug)
        .map(|(_, category)| (category.group, category.group_slug))
}

const DEVELOPMENT_IT: (&str, &str) = ("Development & IT", "development-it");
const AI_SERVICES: (&str, &str) = ("AI Services", "ai-services");
const DESIGN_CREATIVE: (&str, &str) = ("Design & Creative", "design-creative");
const SALES_MARKETING: (&str, &str) = ("Sales & Marketing", "sales-marketing");
const WRITING_TRANSLATION: (&str, &str) = ("Writing & Translation", "writing-translation");
const ADMIN_CUSTOMER_SUPPORT: (&str, &str) = ("Admin & Customer Support", "admin-customer-support");
const FINANCE_ACCOUNTING: (&str, &str) = ("Finance & Accounting", "finance-accounting");
const ENGINEERING_ARCHITECTURE: (&str, &str) = ("Engineering & Architecture", "engineering-architecture");
const LEGAL: (&str, &str) = ("Legal", "legal");
const HR_TRAINING: (&str, &str) = ("HR & Training", "hr-training");

/// Builds a row; keeps the table below to one line of name and group per category.
const fn category(
    name: &'static str,
    slug: &'static str,
    (group, group_slug): (&'static str, &'static str),
    typical_skills: &'static [&'static str],
) -> CategoryInfo {
    CategoryInfo { name, slug, group, group_slug, typical_skills }
}

/// The whole taxonomy, grouped: all categories of a group are neighbours.
// Kept out of rustfmt's hands: it would put every skill on a line of its own
// and turn this one-screen-per-group table into 1,500 lines.
#[rustfmt::skip]
pub static CATEGORIES: &[CategoryInfo] = &[
    // Development & IT
    category("Web Development", "web-development", DEVELOPMENT_IT, &[
        "JavaScript", "React", "PHP", "WordPress", "TypeScript", "Node.js", "HTML5", "CSS",
        "Laravel", "Next.js", "Vue.js", "Python", "MySQL", "Django", "Tailwind CSS",
        "REST API", "Angular", "PostgreSQL", "Express.js", "GraphQL", "Ruby on Rails",
        "MongoDB", "Svelte", "Webflow", "Nuxt.js", "Astro",
    ]),
    category("Mobile Development", "mobile-development", DEVELOPMENT_IT, &[
        "Flutter", "React Native", "iOS Development", "Android App Development", "Swift",
        "Kotlin", "Firebase", "Mobile App Development", "Dart", "SwiftUI", "Java",
        "Jetpack Compose", "In-App Purchases", "Push Notifications", "Expo", "Xcode",
    ]),
    category("Desktop Application Development", "desktop-application-development", DEVELOPMENT_IT, &[
        "C#", ".NET", "C++", "Electron", "Python", "Java", "WPF", "Qt", "Windows App Development",
        "macOS Development", "Tauri", "Rust", "PyQt", "WinForms",
    ]),
    category("Ecommerce Development", "ecommerce-development", DEVELOPMENT_IT, &[
        "Shopify", "WooCommerce", "Shopify Theme Development", "Liquid", "Magento", "BigCommerce",
        "Stripe", "Shopify Apps", "Payment Gateway Integration", "WordPress", "PrestaShop",
        "Headless Commerce", "Shopify Plus", "Wix",
    ]),
    category("Game Design & Development", "game-design-development", DEVELOPMENT_IT, &[
        "Unity", "C#", "Unreal Engine", "Game Development", "Blender", "Godot", "Game Design",
        "Roblox", "Lua", "C++", "Multiplayer Game Development", "HTML5 Game Development",
        "Level Design", "Blueprint",
    ]),
    category("Scripts & Utilities", "scripts-utilities", DEVELOPMENT_IT, &[
        "Python", "Automation", "Web Scraping", "Google Apps Script", "Bash", "Selenium",
        "API Integration", "Chrome Extension", "Zapier", "PowerShell", "VBA", "Make.com",
        "Puppeteer", "Discord Bot",
    ]),
    category("QA Testing", "qa-testing", DEVELOPMENT_IT, &[
        "Manual Testing", "Automated Testing", "Selenium", "Cypress", "Playwright",
        "Test Case Design", "API Testing", "Postman", "Jira", "Appium", "Jest",
        "Regression Testing", "Load Testing", "Usability Testing",
    ]),
    category("Web & Mobile Design", "web-mobile-design", DEVELOPMENT_IT, &[
        "Figma", "UX Design", "UI Design", "Web Design", "Mobile App Design", "Wireframing",
        "Prototyping", "Landing Page", "Responsive Design", "Adobe XD", "User Flow", "Webflow",
        "Design System", "Framer",
    ]),
    category("Blockchain, NFT & Cryptocurrency", "blockchain-nft-cryptocurrency", DEVELOPMENT_IT, &[
        "Solidity", "Smart Contract", "Blockchain", "Ethereum", "Web3.js", "Solana", "Rust",
        "DeFi", "Ethers.js", "Hardhat", "NFT", "Crypto Wallet", "Polygon", "Foundry",
    ]),
    category("Product Management & Scrum", "product-management-scrum", DEVELOPMENT_IT, &[
        "Product Management", "Scrum", "Agile Project Management", "Jira", "Product Roadmap",
        "User Stories", "Confluence", "Product Requirements Document", "Kanban",
        "Stakeholder Management", "Product Discovery", "Scrum Master",
    ]),
    category("Other - Software Development", "other-software-development", DEVELOPMENT_IT, &[
        "Software Development", "Python", "Java", "Go", "Rust", "C++", "Software Architecture",
        "Microservices", "API Development", "Embedded Systems", "Linux", "Spring Boot",
        "Elixir", "Scala",
    ]),
    category("DevOps & Solution Architecture", "devops-solution-architecture", DEVELOPMENT_IT, &[
        "AWS", "Docker", "DevOps", "Kubernetes", "Terraform", "CI/CD", "Linux System Administration",
        "Google Cloud Platform", "Microsoft Azure", "GitHub Actions", "Ansible", "Jenkins",
        "Nginx", "Prometheus", "Grafana", "Serverless",
    ]),
    category("Network & System Administration", "network-system-administration", DEVELOPMENT_IT, &[
        "Network Administration", "Linux System Administration", "Microsoft 365", "Windows Server",
        "Active Directory", "Cisco", "VPN", "Firewall", "VMware", "Network Security",
        "Microsoft Intune", "Proxmox", "pfSense",
    ]),
    category("Database Management & Administration", "database-management-administration", DEVELOPMENT_IT, &[
        "SQL", "PostgreSQL", "MySQL", "Database Design", "MongoDB", "Microsoft SQL Server",
        "Database Optimization", "Oracle Database", "Redis", "Data Migration", "Supabase",
        "Elasticsearch", "SQLite",
    ]),
    category("ERP/CRM Software", "erp-crm-software", DEVELOPMENT_IT, &[
        "Salesforce", "HubSpot", "Zoho CRM", "Odoo", "NetSuite", "GoHighLevel", "Airtable",
        "SAP", "Microsoft Dynamics 365", "Salesforce Apex", "CRM Development", "Monday.com",
        "Pipedrive", "Salesforce Lightning",
    ]),
    category("Information Security & Compliance", "information-security-compliance", DEVELOPMENT_IT, &[
        "Cybersecurity", "Penetration Testing", "Vulnerability Assessment", "Network Security",
        "SOC 2", "ISO 27001", "GDPR", "Security Audit", "OWASP", "Identity & Access Management",
        "Incident Response", "HIPAA", "Cloud Security",
    ]),
    category("Data Analysis & Testing", "data-analysis-testing", DEVELOPMENT_IT, &[
        "Data Analysis", "Microsoft Excel", "SQL", "Python", "Microsoft Power BI", "Tableau",
        "Data Visualization", "Google Analytics", "Statistics", "A/B Testing", "Looker Studio",
        "R", "Dashboard", "Google Sheets",
    ]),
    category("Data Extraction/ETL", "data-extraction-etl", DEVELOPMENT_IT, &[
        "Data Scraping", "Web Scraping", "Python", "ETL Pipeline", "Data Extraction", "Scrapy",
        "Beautiful Soup", "Selenium", "Apache Airflow", "dbt", "API Integration", "Snowflake",
        "Fivetran", "Apify",
    ]),
    category("Data Mining & Management", "data-mining-management", DEVELOPMENT_IT, &[
        "Data Mining", "Data Cleaning", "Data Management", "Big Data", "Pandas", "Apache Spark",
        "Data Warehousing", "BigQuery", "Data Modeling", "Databricks", "Master Data Management",
        "Data Governance",
    ]),
    // AI Services
    category("AI & Machine Learning", "ai-machine-learning", AI_SERVICES, &[
        "Machine Learning", "Python", "Deep Learning", "Computer Vision",
        "Natural Language Processing", "PyTorch", "TensorFlow", "Data Science", "scikit-learn",
        "Neural Network", "Hugging Face", "MLOps", "Time Series Forecasting", "OpenCV",
    ]),
    category("AI Apps & Integration", "ai-apps-integration", AI_SERVICES, &[
        "OpenAI API", "ChatGPT", "LangChain", "Large Language Model", "AI Agent Development",
        "Chatbot Development", "Retrieval Augmented Generation", "Prompt Engineering", "Python",
        "Vector Database", "n8n", "FastAPI", "Claude", "LlamaIndex", "Voice AI",
    ]),
    category("AI Content & Media Generation", "ai-content-media-generation", AI_SERVICES, &[
        "AI Image Generation", "Midjourney", "Stable Diffusion", "AI Video Generation",
        "Prompt Engineering", "ComfyUI", "Runway", "AI Voice Cloning", "DALL-E", "LoRA Training",
    ]),
    category("AI Data Annotation & Training", "ai-data-annotation-training", AI_SERVICES, &[
        "Data Annotation", "Data Labeling", "Image Annotation", "AI Model Training",
        "Text Annotation", "Bounding Box", "RLHF", "LLM Evaluation", "Audio Annotation",
        "Label Studio",
    ]),
    // Design & Creative
    category("Art & Illustration", "art-illustration", DESIGN_CREATIVE, &[
        "Illustration", "Adobe Illustrator", "Digital Painting", "Character Design",
        "Children's Book Illustration", "Procreate", "Drawing", "Vector Illustration",
        "Concept Art", "Comic Art", "Storyboarding", "Watercolor",
    ]),
    category("Audio & Music Production", "audio-music-production", DESIGN_CREATIVE, &[
        "Audio Editing", "Voice-Over", "Podcast Editing", "Music Production", "Mixing & Mastering",
        "Sound Design", "Audio Production", "Logic Pro", "Adobe Audition", "Pro Tools",
        "Music Composition", "Jingle",
    ]),
    category("Branding & Logo Design", "branding-logo-design", DESIGN_CREATIVE, &[
        "Logo Design", "Brand Identity", "Adobe Illustrator", "Graphic Design", "Brand Guidelines",
        "Typography", "Adobe Photoshop", "Stationery Design", "Canva", "Visual Identity",
    ]),
    category("NFT, AR/VR & Game Art", "nft-ar-vr-game-art", DESIGN_CREATIVE, &[
        "3D Modeling", "Game Art", "Blender", "2D Game Art", "Virtual Reality", "Augmented Reality",
        "Pixel Art", "NFT Art", "Unity", "Texturing", "Character Rigging",
    ]),
    category("Graphic, Editorial & Presentation Design", "graphic-editorial-presentation-design", DESIGN_CREATIVE, &[
        "Graphic Design", "Adobe Photoshop", "Canva", "Presentation Design", "Adobe InDesign",
        "Microsoft PowerPoint", "Pitch Deck", "Infographic", "Google Slides", "Brochure Design",
        "Social Media Graphics", "Layout Design", "Packaging Design", "Book Cover Design",
    ]),
    category("Performing Arts", "performing-arts", DESIGN_CREATIVE, &[
        "Acting", "Voice Acting", "Spokesperson", "Singing", "Script Reading", "On-Camera Host",
        "Dance", "Music Performance",
    ]),
    category("Photography", "photography", DESIGN_CREATIVE, &[
        "Photo Editing", "Product Photography", "Photo Retouching", "Adobe Lightroom",
        "Adobe Photoshop", "Background Removal", "Real Estate Photography", "Event Photography",
        "Color Correction", "Headshot Photography",
    ]),
    category("Product Design", "product-design", DESIGN_CREATIVE, &[
        "Product Design", "Industrial Design", "Packaging Design", "SolidWorks", "KeyShot",
        "Prototyping", "Product Sketching", "Rhino 3D", "Design for Manufacturing",
    ]),
    category("Video & Animation", "video-animation", DESIGN_CREATIVE, &[
        "Video Editing", "Adobe Premiere Pro", "Adobe After Effects", "Motion Graphics",
        "2D Animation", "YouTube Video Editing", "Short-Form Video", "DaVinci Resolve",
        "3D Animation", "Final Cut Pro", "Explainer Video", "Color Grading",
        "Whiteboard Animation", "CapCut",
    ]),
    // Sales & Marketing
    category("Digital Marketing", "digital-marketing", SALES_MARKETING, &[
        "Digital Marketing", "Google Ads", "Facebook Ads Manager", "Marketing Strategy",
        "PPC Campaign Setup & Management", "Google Analytics", "Conversion Rate Optimization",
        "Marketing Automation", "TikTok Ads", "Google Tag Manager", "Amazon PPC",
        "LinkedIn Ads",
    ]),
    category("Search Engine Optimization", "search-engine-optimization", SALES_MARKETING, &[
        "SEO", "On-Page SEO", "Keyword Research", "Off-Page SEO", "Technical SEO",
        "Link Building", "SEO Audit", "Local SEO", "Google Search Console", "Ahrefs", "Semrush",
        "WordPress",
    ]),
    category("Social Media Marketing", "social-media-marketing", SALES_MARKETING, &[
        "Social Media Marketing", "Social Media Management", "Instagram Marketing",
        "Facebook Marketing", "TikTok Marketing", "Content Calendar", "LinkedIn Marketing",
        "Canva", "Influencer Marketing", "Meta Business Suite", "YouTube Marketing",
    ]),
    category("Email Marketing", "email-marketing", SALES_MARKETING, &[
        "Email Marketing", "Klaviyo", "Mailchimp", "Email Copywriting", "Email Automation",
        "Cold Email", "Newsletter", "ActiveCampaign", "Email Deliverability", "Instantly",
    ]),
    category("Lead Generation & Telemarketing", "lead-generation-telemarketing", SALES_MARKETING, &[
        "Lead Generation", "Cold Calling", "B2B Lead Generation", "Appointment Setting",
        "LinkedIn Sales Navigator", "Telemarketing", "Prospect List", "Apollo.io",
        "Sales Development", "Outbound Sales", "Clay",
    ]),
    category("Marketing, PR & Brand Strategy", "marketing-pr-brand-strategy", SALES_MARKETING, &[
        "Marketing Strategy", "Brand Strategy", "Public Relations", "Press Release",
        "Go-to-Market Strategy", "Brand Positioning", "Content Strategy", "Competitive Analysis",
        "Media Relations",
    ]),
    // Writing & Translation
    category("Content Writing", "content-writing", WRITING_TRANSLATION, &[
        "Content Writing", "Blog Writing", "Article Writing", "SEO Writing", "Ghostwriting",
        "Creative Writing", "Technical Writing", "Website Content", "Ebook Writing",
        "Research Writing", "Scriptwriting", "Storytelling",
    ]),
    category("Sales & Marketing Copywriting", "sales-marketing-copywriting", WRITING_TRANSLATION, &[
        "Copywriting", "Sales Copy", "Website Copywriting", "Ad Copy", "Product Description",
        "Email Copywriting", "Landing Page Copy", "Brand Messaging", "UX Writing",
        "Direct Response Copywriting",
    ]),
    category("Editing & Proofreading Services", "editing-proofreading-services", WRITING_TRANSLATION, &[
        "Proofreading", "Editing", "Copy Editing", "English Grammar", "Manuscript Editing",
        "Line Editing", "Academic Editing", "Developmental Editing", "Fact-Checking",
        "Chicago Manual of Style",
    ]),
    category("Professional & Business Writing", "professional-business-writing", WRITING_TRANSLATION, &[
        "Business Writing", "Grant Writing", "Resume Writing", "Business Plan Writing",
        "White Paper", "Technical Documentation", "Case Study Writing", "Cover Letter Writing",
        "Report Writing", "LinkedIn Profile Optimization",
    ]),
    category("Translation & Localization Services", "translation-localization-services", WRITING_TRANSLATION, &[
        "Translation", "English", "Spanish", "Localization", "French", "German", "Portuguese",
        "Document Translation", "Japanese", "Chinese", "Arabic", "Italian", "Website Localization",
        "Subtitles", "Legal Translation", "Medical Translation", "Korean", "Dutch",
    ]),
    category("Language Tutoring & Interpretation", "language-tutoring-interpretation", WRITING_TRANSLATION, &[
        "Language Instruction", "English Tutoring", "Interpretation", "ESL Teaching",
        "Spanish Tutoring", "Consecutive Interpretation", "Simultaneous Interpretation", "IELTS",
        "Mandarin Tutoring", "Business English",
    ]),
    // Admin & Customer Support
    category("Data Entry & Transcription Services", "data-entry-transcription-services", ADMIN_CUSTOMER_SUPPORT, &[
        "Data Entry", "Microsoft Excel", "Google Sheets", "Transcription", "Typing",
        "Copy & Paste", "Online Research", "PDF Conversion", "Data Cleaning",
        "Audio Transcription", "Accuracy Verification", "Product Listings",
    ]),
    category("Virtual Assistance", "virtual-assistance", ADMIN_CUSTOMER_SUPPORT, &[
        "Virtual Assistance", "Administrative Support", "Email Management", "Calendar Management",
        "Google Workspace", "Online Research", "Executive Support", "Travel Planning",
        "Customer Service", "Canva", "Notion", "Inbox Zero",
    ]),
    category("Project Management", "project-management", ADMIN_CUSTOMER_SUPPORT, &[
        "Project Management", "Asana", "ClickUp", "Trello", "Monday.com", "Project Scheduling",
        "Notion", "Microsoft Project", "SOP Writing", "Process Improvement", "Agile Project Management",
    ]),
    category("Market Research & Product Reviews", "market-research-product-reviews", ADMIN_CUSTOMER_SUPPORT, &[
        "Market Research", "Online Research", "Competitive Analysis", "Product Research",
        "Survey Design", "Amazon FBA", "Qualitative Research", "Google Forms", "Typeform",
    ]),
    category("Customer Service & Tech Support", "customer-service-tech-support", ADMIN_CUSTOMER_SUPPORT, &[
        "Customer Service", "Customer Support", "Email Support", "Live Chat Support", "Zendesk",
        "Technical Support", "Phone Support", "Help Desk", "Gorgias", "Intercom", "Freshdesk",
        "Ticketing System",
    ]),
    category("Community Management & Tagging", "community-management-tagging", ADMIN_CUSTOMER_SUPPORT, &[
        "Community Management", "Discord", "Content Moderation", "Social Media Management",
        "Slack", "Facebook Groups", "Reddit", "Content Tagging",
    ]),
    // Finance & Accounting
    category("Accounting & Bookkeeping", "accounting-bookkeeping", FINANCE_ACCOUNTING, &[
        "Bookkeeping", "QuickBooks Online", "Accounting", "Xero", "Bank Reconciliation",
        "Financial Statement", "Accounts Payable", "Accounts Receivable", "Payroll",
        "Tax Preparation", "QuickBooks Desktop", "Sage", "FreshBooks", "Month-End Close",
    ]),
    category("Financial Planning", "financial-planning", FINANCE_ACCOUNTING, &[
        "Financial Modeling", "Financial Analysis", "Microsoft Excel", "Forecasting", "Budgeting",
        "Cash Flow Analysis", "Valuation", "FP&A", "Investment Research", "Pitch Deck",
    ]),
    category("Management Consulting & Analysis", "management-consulting-analysis", FINANCE_ACCOUNTING, &[
        "Business Consulting", "Business Analysis", "Strategic Planning", "Business Plan",
        "Process Improvement", "Management Consulting", "Market Analysis", "Operations Management",
        "Lean Six Sigma", "KPI Development",
    ]),
    category("Other - Accounting & Consulting", "other-accounting-consulting", FINANCE_ACCOUNTING, &[
        "Tax Preparation", "Sales Tax", "US Taxation", "Internal Audit", "Forensic Accounting",
        "Nonprofit Accounting", "IFRS", "Transfer Pricing",
    ]),
    // Engineering & Architecture
    category("Building & Landscape Architecture", "building-landscape-architecture", ENGINEERING_ARCHITECTURE, &[
        "Architecture", "AutoCAD", "Revit", "SketchUp", "Architectural Design", "3D Rendering",
        "Floor Plan", "Landscape Design", "Building Information Modeling", "Lumion",
        "Residential Design", "Permit Drawings",
    ]),
    category("Chemical Engineering", "chemical-engineering", ENGINEERING_ARCHITECTURE, &[
        "Chemical Engineering", "Process Engineering", "Chemistry", "Aspen HYSYS",
        "Process Simulation", "Formulation Chemistry", "HAZOP",
    ]),
    category("Civil & Structural Engineering", "civil-structural-engineering", ENGINEERING_ARCHITECTURE, &[
        "Structural Engineering", "Civil Engineering", "Structural Analysis", "AutoCAD Civil 3D",
        "ETABS", "SAP2000", "Foundation Design", "Steel Design", "Stormwater Management",
        "Permit Drawings",
    ]),
    category("Contract Manufacturing", "contract-manufacturing", ENGINEERING_ARCHITECTURE, &[
        "Manufacturing", "Product Sourcing", "Product Development", "Injection Molding",
        "CNC Machining", "Quality Control", "Supply Chain Management", "Sheet Metal Fabrication",
    ]),
    category("Electrical & Electronic Engineering", "electrical-electronic-engineering", ENGINEERING_ARCHITECTURE, &[
        "Electrical Engineering", "PCB Design", "Circuit Design", "Embedded C", "Arduino",
        "Firmware Development", "Altium Designer", "KiCad", "Microcontroller Programming",
        "Raspberry Pi", "Internet of Things", "STM32", "ESP32",
    ]),
    category("Interior & Trade Show Design", "interior-trade-show-design", ENGINEERING_ARCHITECTURE, &[
        "Interior Design", "3D Rendering", "SketchUp", "3ds Max", "V-Ray", "Space Planning",
        "Kitchen Design", "Furniture Design", "Lighting Design", "Trade Show Booth Design",
    ]),
    category("Energy & Mechanical Engineering", "energy-mechanical-engineering", ENGINEERING_ARCHITECTURE, &[
        "Mechanical Engineering", "SolidWorks", "Mechanical Design", "Finite Element Analysis",
        "ANSYS", "Computational Fluid Dynamics", "HVAC", "Fusion 360", "Solar Energy",
        "Thermodynamics", "GD&T",
    ]),
    category("Physical Sciences", "physical-sciences", ENGINEERING_ARCHITECTURE, &[
        "Physics", "Chemistry", "Biology", "Scientific Research", "MATLAB", "Scientific Writing",
        "Laboratory Testing", "Materials Science", "Bioinformatics",
    ]),
    category("3D Modeling & CAD", "3d-modeling-cad", ENGINEERING_ARCHITECTURE, &[
        "3D Modeling", "AutoCAD", "SolidWorks", "Fusion 360", "3D Printing", "CAD",
        "Technical Drawing", "Rhino 3D", "Blender", "3D Rendering", "Autodesk Inventor",
        "Onshape",
    ]),
    // Legal
    category("Corporate & Contract Law", "corporate-contract-law", LEGAL, &[
        "Contract Drafting", "Contract Law", "Legal Consulting", "Business Law", "Corporate Law",
        "Legal Writing", "Legal Research", "Terms of Service", "Privacy Policy",
        "Mergers & Acquisitions",
    ]),
    category("International & Immigration Law", "international-immigration-law", LEGAL, &[
        "Immigration Law", "Visa Application", "International Law", "Legal Research",
        "US Immigration Law", "Work Permit", "Legal Consulting",
    ]),
    category("Finance & Tax Law", "finance-tax-law", LEGAL, &[
        "Tax Law", "Securities Law", "Regulatory Compliance", "Financial Regulation",
        "Legal Consulting", "Anti-Money Laundering",
    ]),
    category("Public Law", "public-law", LEGAL, &[
        "Administrative Law", "Regulatory Compliance", "Legal Research", "Environmental Law",
        "Employment Law", "Constitutional Law",
    ]),
    category("Paralegal Services", "paralegal-services", LEGAL, &[
        "Paralegal", "Legal Research", "Document Review", "Legal Drafting", "Case Management",
        "eDiscovery", "Clio",
    ]),
    // HR & Training
    category("Recruiting & Human Resources", "recruiting-human-resources", HR_TRAINING, &[
        "Recruiting", "Technical Recruiting", "Talent Acquisition", "Human Resources",
        "Candidate Sourcing", "Job Description Writing", "HR Consulting", "Onboarding",
        "LinkedIn Recruiter", "Applicant Tracking System", "Employee Relations",
    ]),
    category("Personal & Professional Coaching", "personal-professional-coaching", HR_TRAINING, &[
        "Career Coaching", "Business Coaching", "Life Coaching", "Executive Coaching",
        "Leadership Development", "Public Speaking", "Interview Preparation",
    ]),
    category("Training & Development", "training-development", HR_TRAINING, &[
        "Instructional Design", "Curriculum Development", "eLearning", "Course Creation",
        "Articulate Storyline", "Learning Management System", "Training Presentation",
        "Moodle", "Teachable",
    ]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The slug rule the module doc states, written independently of the table.
    fn slugify(name: &str) -> String {
        name.to_lowercase()
            .split(|character: char| !character.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    }

    #[test]
    fn slugs_follow_the_naming_rule_and_are_unique() {
        let mut slugs = HashSet::new();
        for category in CATEGORIES {
            assert_eq!(category.slug, slugify(category.name), "{}", category.name);
            assert_eq!(category.group_slug, slugify(category.group), "{}", category.group);
            assert!(slugs.insert(category.slug), "duplicate slug {}", category.slug);
        }
        // A group slug that is also a category slug would make filters ambiguous.
        for (_, group_slug) in group_slugs() {
            assert!(category_by_slug(group_slug).is_none(), "{group_slug}");
        }
    }

    #[test]
    fn taxonomy_has_the_expected_shape() {
        let groups: Vec<_> = group_slugs().collect();
        assert_eq!(groups.len(), 10);
        assert_eq!(groups[0], ("Development & IT", "development-it"));
        assert!((60..=80).contains(&CATEGORIES.len()), "{}", CATEGORIES.len());
        // Groups are contiguous: each group slug appears in one run only.
        let distinct: HashSet<_> = groups.iter().map(|(_, slug)| *slug).collect();
        assert_eq!(distinct.len(), groups.len());
        for category in CATEGORIES {
            assert!(category.typical_skills.len() >= 6, "{}", category.slug);
            let unique: HashSet<_> = category.typical_skills.iter().collect();
            assert_eq!(unique.len(), category.typical_skills.len(), "{}", category.slug);
        }
    }

    #[test]
    fn lookups_find_categories_and_groups() {
        let web = category_by_slug("web-development").expect("web development exists");
        assert_eq!(web.name, "Web Development");
        assert_eq!(web.group, "Development & IT");
        assert_eq!(web.group_slug, "development-it");
        assert_eq!(category_by_slug("Web-Development").map(|category| category.slug), Some("web-development"));
        assert!(category_by_slug("development-it").is_none());
        assert!(category_by_slug("").is_none());
        assert!(is_group_slug("development-it"));
        assert!(is_group_slug("LEGAL"));
        assert!(!is_group_slug("web-development"));
        assert!(!is_group_slug(""));
    }

    #[test]
    fn there_are_hundreds_of_distinct_skills() {
        let skills: HashSet<_> = CATEGORIES.iter().flat_map(|category| category.typical_skills.iter()).collect();
        assert!(skills.len() >= 400, "{}", skills.len());
    }
}
