-- The seed's master data: vendors and their fleet, clients, projects, campaigns, promoters, users.
-- Every table has the seed's common fields: id, created_at, updated_at, is_active (soft delete).
-- Times are UTC (the server's sessions run with time_zone = '+00:00').

CREATE TABLE vendors (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    name           VARCHAR(255) NOT NULL,
    company        VARCHAR(255) NULL,
    email          VARCHAR(255) NULL,
    phone          VARCHAR(20)  NULL,
    address        TEXT         NULL,
    contact_person VARCHAR(255) NULL,
    is_active      BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_vendors_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE clients (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    name           VARCHAR(255) NOT NULL,
    company        VARCHAR(255) NULL,
    email          VARCHAR(255) NULL,
    phone          VARCHAR(20)  NULL,
    address        TEXT         NULL,
    contact_person VARCHAR(255) NULL,
    is_active      BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_clients_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE projects (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    name        VARCHAR(255)  NOT NULL,
    description TEXT          NULL,
    client_id   BIGINT        NOT NULL,
    budget      DECIMAL(12,2) NULL,
    start_date  DATE          NULL,
    end_date    DATE          NULL,
    status      VARCHAR(50)   NOT NULL DEFAULT 'active',
    assigned_cs VARCHAR(255)  NULL,
    is_active   BOOLEAN       NOT NULL DEFAULT TRUE,
    created_at  DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at  DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_projects_client_id (client_id),
    KEY idx_projects_status (status),
    CONSTRAINT fk_projects_client_id FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE campaigns (
    id            BIGINT        NOT NULL AUTO_INCREMENT,
    name          VARCHAR(255)  NOT NULL,
    description   TEXT          NULL,
    project_id    BIGINT        NOT NULL,
    campaign_type ENUM('l_shape', 'btl', 'roadshow', 'sampling', 'other') NOT NULL DEFAULT 'other',
    status        ENUM('planning', 'upcoming', 'running', 'hold', 'completed', 'cancelled') NOT NULL DEFAULT 'planning',
    start_date    DATE          NULL,
    end_date      DATE          NULL,
    budget        DECIMAL(12,2) NULL,
    locations     TEXT          NULL,
    is_active     BOOLEAN       NOT NULL DEFAULT TRUE,
    created_at    DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at    DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_campaigns_project_id (project_id),
    KEY idx_campaigns_status (status),
    CONSTRAINT fk_campaigns_project_id FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE vehicles (
    id                 BIGINT       NOT NULL AUTO_INCREMENT,
    vehicle_number     VARCHAR(50)  NOT NULL,
    vehicle_type       VARCHAR(100) NULL,
    capacity           VARCHAR(100) NULL,
    vendor_id          BIGINT       NULL,
    rc_validity        DATE         NULL,
    insurance_validity DATE         NULL,
    permit_validity    DATE         NULL,
    is_active          BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at         DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at         DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_vehicles_vehicle_number (vehicle_number),
    KEY idx_vehicles_vendor_id (vendor_id),
    CONSTRAINT fk_vehicles_vendor_id FOREIGN KEY (vendor_id) REFERENCES vendors (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE drivers (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    name             VARCHAR(255) NOT NULL,
    phone            VARCHAR(20)  NULL,
    email            VARCHAR(255) NULL,
    license_number   VARCHAR(100) NULL,
    license_validity DATE         NULL,
    vendor_id        BIGINT       NULL,
    vehicle_id       BIGINT       NULL,
    is_active        BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_drivers_vendor_id (vendor_id),
    KEY idx_drivers_vehicle_id (vehicle_id),
    CONSTRAINT fk_drivers_vendor_id FOREIGN KEY (vendor_id) REFERENCES vendors (id) ON DELETE SET NULL,
    CONSTRAINT fk_drivers_vehicle_id FOREIGN KEY (vehicle_id) REFERENCES vehicles (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE promoters (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    name       VARCHAR(255) NOT NULL,
    phone      VARCHAR(20)  NULL,
    email      VARCHAR(255) NULL,
    specialty  VARCHAR(255) NULL,
    language   VARCHAR(100) NULL,
    is_active  BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_promoters_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- users.driver_id, promoter_id and client_id are DESIGN.md decision 3: the links that let the
-- access matrix's "own ... only" scopes be enforced.
CREATE TABLE users (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    email         VARCHAR(255) NOT NULL,
    name          VARCHAR(255) NOT NULL,
    phone         VARCHAR(20)  NULL,
    password_hash VARCHAR(255) NOT NULL,
    password_hint VARCHAR(255) NULL,
    role          ENUM('admin', 'client_servicing', 'operations_manager', 'accounts', 'vendor', 'client',
                       'sales', 'purchase', 'operator', 'driver', 'promoter', 'anchor',
                       'vehicle_manager', 'godown_manager') NOT NULL,
    vendor_id     BIGINT       NULL,
    driver_id     BIGINT       NULL,
    promoter_id   BIGINT       NULL,
    client_id     BIGINT       NULL,
    is_active     BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_email (email),
    KEY idx_users_role (role),
    KEY idx_users_vendor_id (vendor_id),
    KEY idx_users_driver_id (driver_id),
    KEY idx_users_promoter_id (promoter_id),
    KEY idx_users_client_id (client_id),
    CONSTRAINT fk_users_vendor_id FOREIGN KEY (vendor_id) REFERENCES vendors (id) ON DELETE SET NULL,
    CONSTRAINT fk_users_driver_id FOREIGN KEY (driver_id) REFERENCES drivers (id) ON DELETE SET NULL,
    CONSTRAINT fk_users_promoter_id FOREIGN KEY (promoter_id) REFERENCES promoters (id) ON DELETE SET NULL,
    CONSTRAINT fk_users_client_id FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
