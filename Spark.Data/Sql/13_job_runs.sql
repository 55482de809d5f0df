-- One row per run of a Quartz job (decision 0043), written by the scheduler's job listener: the back office's
-- jobs page reads the last result and the failures of the last 24 hours from here. System-owned (no user's
-- rows, so no row-level security); kept 30 days by the job-run retention job.
CREATE TABLE IF NOT EXISTS job_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_group varchar(200) NOT NULL,
    job_name varchar(200) NOT NULL,
    trigger_group varchar(200) NOT NULL,
    trigger_name varchar(200) NOT NULL,
    fire_instance_id varchar(200),
    instance_id varchar(200),
    fired_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
    outcome varchar(20) NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'cancelled', 'vetoed', 'not_executed')),
    error_message varchar(1000)
);

-- The last run of a job, and its runs in a window (failures in the last 24 hours).
CREATE INDEX IF NOT EXISTS idx_job_runs_job_finished ON job_runs (job_group, job_name, finished_at DESC);
-- Retention deletes by age.
CREATE INDEX IF NOT EXISTS idx_job_runs_finished ON job_runs (finished_at);
