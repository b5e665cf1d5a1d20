-- Media processing of assets (src/assets/processing*, issue 5). asset_media holds the state of
-- an asset's processing and what it found (dimensions, palette, duration, ...); asset_variants
-- the derivatives made from it (thumbnails, video posters and keyframe strips, on-demand
-- variants), each a blob in the blob store under its own SHA-256. Both go with their asset; the
-- service releases the derivative blobs no other row still names.
CREATE TABLE asset_media (
  asset_id TEXT PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  processing TEXT NOT NULL,     -- pending | done | failed
  error_code TEXT,
  error_message TEXT,
  metadata TEXT,                -- JSON
  updated_at BIGINT NOT NULL
);
CREATE TABLE asset_variants (
  asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,           -- thumb-256.webp, poster.jpeg, strip.webp, v-200x100-crop.png
  sha256 TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (asset_id, name)
);
CREATE INDEX asset_variants_sha256 ON asset_variants(sha256);
