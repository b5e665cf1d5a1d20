-- Every refresh clears sealed successors older than the grace window. Only rows rotated within
-- that window still hold one, so a partial index keeps that sweep to a handful of rows instead of
-- a scan of every refresh token ever issued.
CREATE INDEX refresh_tokens_sealed ON refresh_tokens(replaced_at) WHERE successor_sealed IS NOT NULL;
