-- Leases of periodic sweeps (src/assets/sweep_lease.*, issue 5). Several instances on one database
-- each run the upload sweep on a timer; the instance that takes a sweep's lease (a row whose
-- expiry has passed, or no row) does the shared part (expired rows and their staging objects)
-- until the lease expires, so the work is done once per interval whoever is up.
CREATE TABLE sweep_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,        -- the instance that took it (random per process)
  expires_at BIGINT NOT NULL   -- unix ms
);
