-- The span that queued a work item (W3C traceparent), so its run continues the same trace.
ALTER TABLE work_items ADD COLUMN trace_parent text NULL;
