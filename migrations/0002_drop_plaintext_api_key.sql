-- Endpoint API keys are stored sealed (AES-GCM, src/security/secrets.ts) in api_key_sealed since 0001.
-- Plaintext keys cannot be sealed in SQL, so the old column is dropped with its contents: runs still
-- in flight with a plaintext key call their endpoint without it (and fail there if it needs one).
ALTER TABLE `runs` DROP COLUMN `api_key`;