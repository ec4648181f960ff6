"""An original BadgeKit API database, written from docs' schema description
(../shared/reference/badgekit-legacy-schema.md) after its later changes: utf8, InnoDB,
foreign keys only where the original had them (milestones, milestoneBadges)."""

from __future__ import annotations

DDL = """
CREATE TABLE consumers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  apiKey VARCHAR(255) NOT NULL UNIQUE,
  apiSecret VARCHAR(255) NOT NULL,
  description VARCHAR(255) NULL,
  systemId INT NOT NULL
);
CREATE TABLE systems (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL UNIQUE,
  name VARCHAR(255) NOT NULL,
  url VARCHAR(255) NOT NULL,
  description TEXT NULL,
  email VARCHAR(255) NULL,
  imageId INT NULL
);
CREATE TABLE webhooks (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  url VARCHAR(255) NOT NULL,
  secret VARCHAR(255) NOT NULL,
  systemId INT NOT NULL,
  UNIQUE KEY url_and_system (url, systemId)
);
CREATE TABLE issuers (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  url VARCHAR(255) NOT NULL,
  description TEXT NULL,
  email VARCHAR(255) NULL,
  imageId INT NULL,
  systemId INT NULL,
  UNIQUE KEY slug_and_system (slug, systemId)
);
CREATE TABLE programs (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  url VARCHAR(255) NOT NULL,
  description TEXT NULL,
  email VARCHAR(255) NULL,
  imageId INT NULL,
  issuerId INT NULL,
  UNIQUE KEY slug_and_issuer (slug, issuerId)
);
CREATE TABLE badges (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL UNIQUE,
  name VARCHAR(255) NOT NULL,
  strapline VARCHAR(140) NULL,
  earnerDescription TEXT NOT NULL,
  consumerDescription TEXT NOT NULL,
  issuerUrl VARCHAR(255) NULL,
  rubricUrl VARCHAR(255) NULL,
  criteriaUrl VARCHAR(255) NOT NULL,
  timeValue INT NULL,
  timeUnits ENUM('minutes', 'hours', 'days', 'weeks') NULL,
  `limit` INT NULL,
  `unique` BOOLEAN NOT NULL DEFAULT FALSE,
  archived BOOLEAN NOT NULL DEFAULT FALSE,
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  imageId INT NOT NULL,
  programId INT NULL,
  issuerId INT NULL,
  systemId INT NULL,
  type VARCHAR(255) NOT NULL,
  evidenceType ENUM('URL', 'Text', 'Photo', 'Video', 'Sound') NULL
);
CREATE TABLE categories (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  badgeId INT NOT NULL,
  value VARCHAR(255) NOT NULL
);
CREATE TABLE claimCodes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(255) NOT NULL,
  claimed BOOLEAN NOT NULL DEFAULT FALSE,
  email VARCHAR(255) NULL,
  multiuse BOOLEAN NOT NULL DEFAULT FALSE,
  badgeId INT NOT NULL,
  UNIQUE KEY code_and_badge (code, badgeId)
);
CREATE TABLE badgeInstances (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL UNIQUE,
  email VARCHAR(255) NOT NULL,
  issuedOn TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires TIMESTAMP NULL,
  claimCode VARCHAR(255) NULL,
  badgeId INT NOT NULL,
  UNIQUE KEY email_and_badge (email, badgeId)
);
CREATE TABLE images (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL UNIQUE,
  url VARCHAR(255) NULL,
  mimetype VARCHAR(255) NULL,
  data LONGBLOB NULL
);
CREATE TABLE criteria (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  badgeId INT NOT NULL,
  description TEXT NOT NULL,
  note TEXT NOT NULL,
  required BOOL NOT NULL DEFAULT FALSE
);
CREATE TABLE tags (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  badgeId INT NOT NULL,
  value VARCHAR(255) NOT NULL
);
CREATE TABLE applications (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL,
  badgeId INT NOT NULL,
  learner VARCHAR(255) NOT NULL,
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  assignedTo VARCHAR(255) NULL,
  assignedExpiration TIMESTAMP NULL,
  processed TIMESTAMP NULL,
  programId INT NULL,
  issuerId INT NULL,
  systemId INT NULL
);
CREATE TABLE evidence (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  applicationId INT NOT NULL,
  url VARCHAR(255) NULL,
  mediaType ENUM('image', 'link') NULL,
  reflection TEXT NULL
);
CREATE TABLE reviews (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug VARCHAR(255) NOT NULL,
  applicationId INT NOT NULL,
  author VARCHAR(255) NOT NULL,
  comment TEXT NULL
);
CREATE TABLE milestones (
  id INT NOT NULL AUTO_INCREMENT,
  systemId INT NOT NULL,
  primaryBadgeId INT NOT NULL,
  numberRequired INT NOT NULL,
  action ENUM('issue', 'queue-application') NULL DEFAULT 'issue',
  PRIMARY KEY (id),
  FOREIGN KEY (systemId) REFERENCES systems(id) ON DELETE CASCADE ON UPDATE CASCADE,
  FOREIGN KEY (primaryBadgeId) REFERENCES badges(id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE reviewItems (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  reviewId INT NOT NULL,
  criterionId INT NOT NULL,
  satisfied BOOLEAN NOT NULL DEFAULT FALSE,
  comment TEXT NULL
);
CREATE TABLE milestoneBadges (
  id INT NOT NULL AUTO_INCREMENT,
  milestoneId INT NOT NULL,
  badgeId INT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY milestone_and_badge (milestoneId, badgeId),
  FOREIGN KEY (milestoneId) REFERENCES milestones(id) ON DELETE CASCADE ON UPDATE CASCADE,
  FOREIGN KEY (badgeId) REFERENCES badges(id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE alignments (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  badgeId INT NOT NULL,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  description TEXT NULL
);
"""

TABLES = (
    "milestoneBadges", "milestones", "reviewItems", "reviews", "evidence", "applications",
    "alignments", "tags", "criteria", "images", "badgeInstances", "claimCodes", "categories",
    "badges", "programs", "issuers", "webhooks", "systems", "consumers",
)  # fmt: skip


def statements() -> list[str]:
    return [part.strip() for part in DDL.split(";") if part.strip()]
