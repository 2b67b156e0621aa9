-- API tokens may expire. A token works only while its creator is active and still
-- holds at least the token's role (checked when the token is used).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;

-- A role's rank, so a token's role can be compared with its creator's in SQL.
CREATE FUNCTION role_rank(role text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE role WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'manager' THEN 2
                     WHEN 'specialist' THEN 1 ELSE 0 END
$$;
