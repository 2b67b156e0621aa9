-- A document keeps its SHA-256 and who uploaded it; deleting one removes its bytes (the
-- row stays, so history can still name it).
ALTER TABLE documents
    ADD COLUMN sha256 text NOT NULL DEFAULT '' CHECK (sha256 ~ '^([0-9a-f]{64})?$'),
    ADD COLUMN uploaded_by text,
    ALTER COLUMN content DROP NOT NULL,
    ADD CONSTRAINT documents_bytes_until_deleted CHECK ((content IS NULL) = (deleted_at IS NOT NULL));
UPDATE documents SET sha256 = encode(sha256(content), 'hex') WHERE content IS NOT NULL;
ALTER TABLE documents ALTER COLUMN sha256 DROP DEFAULT;
