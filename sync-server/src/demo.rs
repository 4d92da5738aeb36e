//! Demo data (`fleet-server seed-demo`): a small operations company with its clients, projects,
//! campaigns of every type and status, vendors with their fleet, drivers, promoters, the
//! placeholder invoices that assign vendors to campaigns, and one login per role.
//!
//! Every row is looked up by a natural key before it is made, so running it again adds nothing.
//! Dates are relative to today, so documents "expire within 30 days" whenever it is run.

use chrono::{Duration, NaiveDate, Utc};
use shared_model::tables::{
    CampaignFields, ClientFields, DriverFields, InvoiceFields, ProjectFields, PromoterFields, UserFields,
    VehicleFields, VendorFields,
};
use shared_model::{CampaignStatus, CampaignType, InvoiceStatus, Money, ProjectStatus, Role};
use sqlx::{MySqlConnection, MySqlPool};

use crate::auth::password;
use crate::db::{finance, fleet, organisation, users};
use crate::error::{Error, Result};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "demo-pass";

/// How many rows of each kind a run made (0 everywhere on a second run).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// Clients made.
    pub clients: usize,
    /// Projects made.
    pub projects: usize,
    /// Campaigns made.
    pub campaigns: usize,
    /// Vendors made.
    pub vendors: usize,
    /// Vehicles made.
    pub vehicles: usize,
    /// Drivers made.
    pub drivers: usize,
    /// Promoters made.
    pub promoters: usize,
    /// Placeholder invoices made.
    pub invoices: usize,
    /// Logins made.
    pub users: usize,
}

impl SeedReport {
    /// Rows made in all.
    pub fn total(&self) -> usize {
        self.clients
            + self.projects
            + self.campaigns
            + self.vendors
            + self.vehicles
            + self.drivers
            + self.promoters
            + self.invoices
            + self.users
    }
}

/// One demo login, as printed by `scripts/dev`.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    /// Login email.
    pub email: &'static str,
    /// Its role.
    pub role: Role,
    /// What it is linked to, in words.
    pub note: &'static str,
}

const CLIENTS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "Sahyadri Agro Foods",
        "Sahyadri Agro Foods Pvt Ltd",
        "marketing@sahyadri-agro.example",
        "+91 80 4110 2200",
        "Anita Kulkarni",
    ),
    (
        "Kaveri Cooperative Dairy",
        "Kaveri Milk Producers' Cooperative Union",
        "outreach@kaveri-dairy.example",
        "+91 821 242 0101",
        "S. Mahadevaiah",
    ),
    (
        "Deccan Mobile Networks",
        "Deccan Mobile Networks Ltd",
        "rural@deccan-mobile.example",
        "+91 40 6600 7000",
        "Farah Siddiqui",
    ),
];

/// (client index, name, budget in rupees, status, client servicing manager)
const PROJECTS: [(usize, &str, i64, ProjectStatus, &str); 5] = [
    (0, "Rabi Seed Awareness 2026", 1_800_000, ProjectStatus::Active, "Priya Nair"),
    (0, "Kharif Fertiliser Push", 1_200_000, ProjectStatus::Completed, "Priya Nair"),
    (1, "Village Milk Collection Drive", 900_000, ProjectStatus::Active, "Rohit Shetty"),
    (2, "Rural 4G Launch", 3_500_000, ProjectStatus::Active, "Meera Iyer"),
    (2, "Prepaid Recharge Outreach", 650_000, ProjectStatus::Cancelled, "Meera Iyer"),
];

struct DemoCampaign {
    project: usize,
    name: &'static str,
    kind: CampaignType,
    status: CampaignStatus,
    /// First day, in days from today.
    starts_in: i64,
    days: i64,
    budget: i64,
    locations: &'static str,
}

const CAMPAIGNS: [DemoCampaign; 8] = [
    DemoCampaign {
        project: 0,
        name: "Mandya Seed Roadshow",
        kind: CampaignType::Roadshow,
        status: CampaignStatus::Running,
        starts_in: -10,
        days: 30,
        budget: 450_000,
        locations: "Mandya, Maddur, Malavalli, Srirangapatna",
    },
    DemoCampaign {
        project: 0,
        name: "Hassan Farmer Meets",
        kind: CampaignType::Btl,
        status: CampaignStatus::Upcoming,
        starts_in: 7,
        days: 21,
        budget: 300_000,
        locations: "Hassan, Arsikere, Channarayapatna",
    },
    DemoCampaign {
        project: 1,
        name: "Tumakuru Wall Branding",
        kind: CampaignType::LShape,
        status: CampaignStatus::Completed,
        starts_in: -120,
        days: 45,
        budget: 250_000,
        locations: "Tumakuru, Tiptur, Gubbi",
    },
    DemoCampaign {
        project: 1,
        name: "Fertiliser Sample Kits",
        kind: CampaignType::Sampling,
        status: CampaignStatus::Planning,
        starts_in: 40,
        days: 30,
        budget: 180_000,
        locations: "Davanagere, Harihar",
    },
    DemoCampaign {
        project: 2,
        name: "Milk Quality Village Camps",
        kind: CampaignType::Btl,
        status: CampaignStatus::Running,
        starts_in: -5,
        days: 60,
        budget: 320_000,
        locations: "Mysuru, Nanjangud, T. Narasipura, Hunsur",
    },
    DemoCampaign {
        project: 3,
        name: "4G Van Roadshow North",
        kind: CampaignType::Roadshow,
        status: CampaignStatus::Hold,
        starts_in: -20,
        days: 40,
        budget: 900_000,
        locations: "Kalaburagi, Bidar, Raichur",
    },
    DemoCampaign {
        project: 3,
        name: "SIM Sampling at Shandies",
        kind: CampaignType::Sampling,
        status: CampaignStatus::Running,
        starts_in: -3,
        days: 25,
        budget: 400_000,
        locations: "Ballari, Hosapete, Koppal",
    },
    DemoCampaign {
        project: 4,
        name: "Recharge Retailer Meet",
        kind: CampaignType::Other,
        status: CampaignStatus::Cancelled,
        starts_in: -60,
        days: 2,
        budget: 75_000,
        locations: "Hubballi",
    },
];

const VENDORS: [(&str, &str, &str, &str, &str); 4] = [
    (
        "Shree Balaji Travels",
        "Shree Balaji Tours & Travels",
        "ops@balajitravels.example",
        "+91 98450 11223",
        "Venkatesh Rao",
    ),
    (
        "Nandi Fleet Services",
        "Nandi Fleet Services LLP",
        "dispatch@nandifleet.example",
        "+91 99000 44556",
        "Imran Pasha",
    ),
    ("Malnad Roadways", "Malnad Roadways", "malnad.roadways@example.com", "+91 94480 77889", "Suresh Gowda"),
    (
        "Coastal Cabs & Logistics",
        "Coastal Cabs & Logistics Pvt Ltd",
        "fleet@coastalcabs.example",
        "+91 97410 33221",
        "Joyce D'Souza",
    ),
];

/// (vendor index, number, type, capacity, rc days left, insurance days left, permit days left)
const VEHICLES: [(usize, &str, &str, &str, i64, i64, i64); 10] = [
    (0, "KA-01-AB-1234", "Tempo Traveller", "12 seats", 400, 18, 200),
    (0, "KA-01-AC-5678", "Tata Ace", "750 kg", 650, 300, 25),
    (0, "KA-05-MN-2201", "Mahindra Bolero Pickup", "1.2 t", 12, 210, 330),
    (1, "KA-09-P-4410", "Eicher Pro 2049", "3.5 t", 500, 120, 90),
    (1, "KA-09-Q-7782", "Ashok Leyland Dost", "1.25 t", 720, 9, 160),
    (1, "KA-51-R-1090", "Force Traveller", "14 seats", 300, 365, 365),
    (2, "KA-13-S-3321", "Mahindra Supro", "900 kg", 28, 28, 400),
    (2, "KA-13-T-6654", "Tata Intra V30", "1.3 t", 800, 150, 240),
    (3, "KA-19-U-8876", "Maruti Eeco", "7 seats", 540, 75, 4),
    (3, "KA-19-V-1200", "Tata 407 Gold", "2.5 t", 610, 260, 180),
];

/// (vendor index, vehicle index, name, phone, licence number, licence days left)
const DRIVERS: [(usize, usize, &str, &str, &str, i64); 12] = [
    (0, 0, "Ramesh Kumar", "+91 98860 10001", "KA01 20150012345", 900),
    (0, 1, "Manjunath H", "+91 98860 10002", "KA01 20170023456", 20),
    (0, 2, "Abdul Khader", "+91 98860 10003", "KA05 20120034567", 1200),
    (1, 3, "Prakash Naik", "+91 98860 10004", "KA09 20180045678", 600),
    (1, 4, "Santosh Patil", "+91 98860 10005", "KA09 20190056789", 450),
    (1, 5, "Girish B", "+91 98860 10006", "KA51 20160067890", 15),
    (2, 6, "Basavaraj M", "+91 98860 10007", "KA13 20140078901", 800),
    (2, 7, "Naveen Shetty", "+91 98860 10008", "KA13 20200089012", 1500),
    (3, 8, "Anthony Fernandes", "+91 98860 10009", "KA19 20110090123", 300),
    (3, 9, "Yusuf Sheikh", "+91 98860 10010", "KA19 20130001234", 700),
    (2, 6, "Lokesh R", "+91 98860 10011", "KA13 20210011223", 1000),
    (3, 9, "Dinesh Poojary", "+91 98860 10012", "KA19 20220022334", 1100),
];

/// (name, phone, email, specialty, language)
const PROMOTERS: [(&str, &str, &str, &str, &str); 6] = [
    ("Lakshmi Devi", "+91 90080 20001", "lakshmi.promoter@demo.test", "Street play", "Kannada"),
    ("Sunita Yadav", "+91 90080 20002", "sunita.promoter@demo.test", "Product demonstration", "Hindi"),
    ("Ravi Teja", "+91 90080 20003", "ravi.anchor@demo.test", "Stage anchoring", "Telugu"),
    ("Kavya Hegde", "+91 90080 20004", "kavya.promoter@demo.test", "Farmer meetings", "Kannada"),
    ("Murugan S", "+91 90080 20005", "murugan.promoter@demo.test", "Sampling", "Tamil"),
    ("Shabana Begum", "+91 90080 20006", "shabana.promoter@demo.test", "Women's groups", "Urdu"),
];

/// (campaign index, vendor index): the vendors assigned to each campaign.
const ASSIGNMENTS: [(usize, usize); 12] =
    [(0, 0), (0, 1), (1, 0), (2, 2), (3, 3), (4, 0), (4, 2), (5, 1), (5, 3), (6, 1), (6, 0), (7, 3)];

#[derive(Clone, Copy)]
enum Link {
    None,
    Vendor(usize),
    Client(usize),
    Driver(usize),
    Promoter(usize),
}

const LOGINS: [(&str, &str, Role, Link, &str); 18] = [
    ("admin@demo.test", "Asha Admin", Role::Admin, Link::None, "everything"),
    ("client_servicing@demo.test", "Priya Nair", Role::ClientServicing, Link::None, "clients, projects, campaigns"),
    (
        "operations_manager@demo.test",
        "Vikram Rao",
        Role::OperationsManager,
        Link::None,
        "campaigns, expenses, activities",
    ),
    ("accounts@demo.test", "Kiran Joshi", Role::Accounts, Link::None, "invoices, payments, expenses"),
    ("vendor@demo.test", "Venkatesh Rao", Role::Vendor, Link::Vendor(0), "Shree Balaji Travels"),
    ("vendor2@demo.test", "Imran Pasha", Role::Vendor, Link::Vendor(1), "Nandi Fleet Services"),
    ("client@demo.test", "Anita Kulkarni", Role::Client, Link::Client(0), "Sahyadri Agro Foods"),
    ("client2@demo.test", "S. Mahadevaiah", Role::Client, Link::Client(1), "Kaveri Cooperative Dairy"),
    ("sales@demo.test", "Rahul Menon", Role::Sales, Link::None, "sales"),
    ("purchase@demo.test", "Deepa Rao", Role::Purchase, Link::None, "purchase"),
    ("operator@demo.test", "Harish Gowda", Role::Operator, Link::None, "operations desk"),
    ("driver@demo.test", "Ramesh Kumar", Role::Driver, Link::Driver(0), "Ramesh Kumar, Shree Balaji Travels"),
    ("driver2@demo.test", "Prakash Naik", Role::Driver, Link::Driver(3), "Prakash Naik, Nandi Fleet Services"),
    ("promoter@demo.test", "Lakshmi Devi", Role::Promoter, Link::Promoter(0), "Lakshmi Devi"),
    ("promoter2@demo.test", "Sunita Yadav", Role::Promoter, Link::Promoter(1), "Sunita Yadav"),
    ("anchor@demo.test", "Ravi Teja", Role::Anchor, Link::Promoter(2), "Ravi Teja"),
    ("vehicle_manager@demo.test", "Farooq Ahmed", Role::VehicleManager, Link::None, "vehicles"),
    ("godown_manager@demo.test", "Shankar P", Role::GodownManager, Link::None, "godown"),
];

/// Every demo login.
pub fn logins() -> Vec<DemoLogin> {
    LOGINS.iter().map(|&(email, _, role, _, note)| DemoLogin { email, role, note }).collect()
}

fn rupees(amount: i64) -> Result<Money> {
    Money::from_cents(amount * 100).map_err(|e| Error::Other(anyhow::anyhow!("demo amount {amount}: {e}")))
}

fn opt(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// Loads the demo company into the database, in one transaction.
pub async fn seed(pool: &MySqlPool) -> Result<SeedReport> {
    let today = Utc::now().date_naive();
    let mut tx = pool.begin().await?;
    let mut report = SeedReport::default();
    let conn: &mut MySqlConnection = &mut tx;

    let mut clients = Vec::new();
    for (name, company, email, phone, contact) in CLIENTS {
        let id = match organisation::client_id_by_name(conn, name).await? {
            Some(id) => id,
            None => {
                report.clients += 1;
                let fields = ClientFields {
                    name: name.into(),
                    company: opt(company),
                    email: opt(email),
                    phone: opt(phone),
                    address: opt("Bengaluru, Karnataka"),
                    contact_person: opt(contact),
                };
                organisation::insert_client(conn, &fields).await?
            }
        };
        clients.push(id);
    }

    let mut projects = Vec::new();
    for (client, name, budget, status, cs) in PROJECTS {
        let client_id = clients[client];
        let id = match organisation::project_id_by_name(conn, client_id, name).await? {
            Some(id) => id,
            None => {
                report.projects += 1;
                let fields = ProjectFields {
                    name: name.into(),
                    description: Some(format!("{name} for {}", CLIENTS[client].0)),
                    client_id,
                    budget: Some(rupees(budget)?),
                    start_date: Some(today - Duration::days(150)),
                    end_date: Some(today + Duration::days(120)),
                    status,
                    assigned_cs: opt(cs),
                };
                organisation::insert_project(conn, &fields).await?
            }
        };
        projects.push(id);
    }

    let mut campaigns = Vec::new();
    for DemoCampaign { project, name, kind, status, starts_in, days, budget, locations } in CAMPAIGNS {
        let project_id = projects[project];
        let id = match organisation::campaign_id_by_name(conn, project_id, name).await? {
            Some(id) => id,
            None => {
                report.campaigns += 1;
                let start_date = today + Duration::days(starts_in);
                let fields = CampaignFields {
                    name: name.into(),
                    description: Some(format!("{} campaign in {locations}", kind.as_str())),
                    project_id,
                    campaign_type: kind,
                    status,
                    start_date: Some(start_date),
                    end_date: Some(start_date + Duration::days(days)),
                    budget: Some(rupees(budget)?),
                    locations: opt(locations),
                };
                organisation::insert_campaign(conn, &fields).await?
            }
        };
        campaigns.push(id);
    }

    let mut vendors = Vec::new();
    for (name, company, email, phone, contact) in VENDORS {
        let id = match fleet::vendor_id_by_name(conn, name).await? {
            Some(id) => id,
            None => {
                report.vendors += 1;
                let fields = VendorFields {
                    name: name.into(),
                    company: opt(company),
                    email: opt(email),
                    phone: opt(phone),
                    address: opt("Karnataka"),
                    contact_person: opt(contact),
                };
                fleet::insert_vendor(conn, &fields).await?
            }
        };
        vendors.push(id);
    }

    let in_days = |days: i64| -> Option<NaiveDate> { Some(today + Duration::days(days)) };
    let mut vehicles = Vec::new();
    for (vendor, number, kind, capacity, rc, insurance, permit) in VEHICLES {
        let id = match fleet::vehicle_id_by_number(conn, number).await? {
            Some(id) => id,
            None => {
                report.vehicles += 1;
                let fields = VehicleFields {
                    vehicle_number: number.into(),
                    vehicle_type: opt(kind),
                    capacity: opt(capacity),
                    vendor_id: Some(vendors[vendor]),
                    rc_validity: in_days(rc),
                    insurance_validity: in_days(insurance),
                    permit_validity: in_days(permit),
                };
                fleet::insert_vehicle(conn, &fields).await?
            }
        };
        vehicles.push(id);
    }

    let mut drivers = Vec::new();
    for (vendor, vehicle, name, phone, license, license_days) in DRIVERS {
        let id = match fleet::driver_id_by_license(conn, license).await? {
            Some(id) => id,
            None => {
                report.drivers += 1;
                let fields = DriverFields {
                    name: name.into(),
                    phone: opt(phone),
                    email: Some(format!("{}@drivers.demo.test", name.to_lowercase().replace([' ', '.'], ""))),
                    license_number: opt(license),
                    license_validity: in_days(license_days),
                    vendor_id: Some(vendors[vendor]),
                    vehicle_id: Some(vehicles[vehicle]),
                };
                fleet::insert_driver(conn, &fields).await?
            }
        };
        drivers.push(id);
    }

    let mut promoters = Vec::new();
    for (name, phone, email, specialty, language) in PROMOTERS {
        let id = match fleet::promoter_id_by_email(conn, email).await? {
            Some(id) => id,
            None => {
                report.promoters += 1;
                let fields = PromoterFields {
                    name: name.into(),
                    phone: opt(phone),
                    email: opt(email),
                    specialty: opt(specialty),
                    language: opt(language),
                };
                fleet::insert_promoter(conn, &fields).await?
            }
        };
        promoters.push(id);
    }

    for (campaign, vendor) in ASSIGNMENTS {
        let (campaign_id, vendor_id) = (campaigns[campaign], vendors[vendor]);
        let number = finance::placeholder_number(campaign_id, vendor_id);
        if finance::invoice_id_by_number(conn, &number).await?.is_none() {
            report.invoices += 1;
            let fields = InvoiceFields {
                invoice_number: number,
                invoice_file: None,
                amount: Money::ZERO,
                invoice_date: None,
                status: InvoiceStatus::Pending,
                vendor_id,
                campaign_id: Some(campaign_id),
            };
            finance::insert_invoice(conn, &fields).await?;
        }
    }

    for (email, name, role, link, _) in LOGINS {
        if users::id_by_email(conn, email).await?.is_some() {
            continue;
        }
        report.users += 1;
        let mut fields = UserFields {
            email: email.into(),
            name: name.into(),
            phone: None,
            password_hint: opt("the demo password"),
            role,
            vendor_id: None,
            driver_id: None,
            promoter_id: None,
            client_id: None,
        };
        match link {
            Link::None => {}
            Link::Vendor(i) => fields.vendor_id = Some(vendors[i]),
            Link::Client(i) => fields.client_id = Some(clients[i]),
            Link::Driver(i) => {
                fields.driver_id = Some(drivers[i]);
                fields.vendor_id = Some(vendors[DRIVERS[i].0]);
            }
            Link::Promoter(i) => fields.promoter_id = Some(promoters[i]),
        }
        fields.validate().map_err(Error::Validation)?;
        users::insert(conn, &fields, &password::hash(DEMO_PASSWORD)?).await?;
    }

    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn campaigns_cover_every_type_and_status() {
        let types: HashSet<_> = CAMPAIGNS.iter().map(|c| c.kind).collect();
        let statuses: HashSet<_> = CAMPAIGNS.iter().map(|c| c.status).collect();
        assert_eq!(types.len(), CampaignType::ALL.len());
        assert_eq!(statuses.len(), CampaignStatus::ALL.len());
    }

    #[test]
    fn there_is_a_login_for_every_role_and_second_tenants() {
        let roles: HashSet<_> = LOGINS.iter().map(|l| l.2).collect();
        assert_eq!(roles.len(), Role::ALL.len());
        for role in Role::ALL {
            let email = format!("{}@demo.test", role.as_str());
            assert!(LOGINS.iter().any(|l| l.0 == email), "no {email}");
        }
        for second in ["driver2@demo.test", "promoter2@demo.test", "vendor2@demo.test", "client2@demo.test"] {
            assert!(LOGINS.iter().any(|l| l.0 == second), "no {second}");
        }
    }

    #[test]
    fn some_vehicles_have_documents_expiring_within_30_days() {
        let expiring = VEHICLES.iter().filter(|v| v.4 <= 30 || v.5 <= 30 || v.6 <= 30).count();
        assert!((3..VEHICLES.len()).contains(&expiring), "{expiring}");
    }

    #[test]
    fn the_second_driver_works_for_another_vendor_than_the_first() {
        let vendor_of = |email: &str| match LOGINS.iter().find(|l| l.0 == email).map(|l| l.3) {
            Some(Link::Driver(i)) => DRIVERS[i].0,
            _ => usize::MAX,
        };
        assert_ne!(vendor_of("driver@demo.test"), vendor_of("driver2@demo.test"));
    }
}
