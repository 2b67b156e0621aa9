-- The business as identity's `business_settings.changed` last said (one row): its time zone
-- decides today's date, so that a payment link expires at the business's midnight, not UTC's.
CREATE TABLE business_settings (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    settings jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
