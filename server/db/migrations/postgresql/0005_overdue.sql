-- teledx 0005: remember that a case past its SLA deadline has been announced to its centre.

ALTER TABLE "Case" ADD COLUMN "overdueNotifiedAt" TIMESTAMP(3);
