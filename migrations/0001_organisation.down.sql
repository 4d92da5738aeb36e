DROP TABLE users;
DROP TABLE promoters;
DROP TABLE drivers;
DROP TABLE vehicles;
DROP TABLE campaigns;
DROP TABLE projects;
DROP TABLE clients;
DROP TABLE vendors;
