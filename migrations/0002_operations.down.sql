DROP TABLE reports;
DROP TABLE payments;
DROP TABLE invoices;
DROP TABLE expenses;
DROP TABLE promoter_activities;
