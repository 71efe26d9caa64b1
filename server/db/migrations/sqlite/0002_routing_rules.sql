-- teledx 0002: routing rules as data (exam kind, modality, township override → reading centre).

CREATE TABLE "RoutingRule" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "examKind" TEXT,
  "modality" TEXT,
  "originOrgId" TEXT REFERENCES "Organization"("id"),
  "centreId" TEXT NOT NULL REFERENCES "ReadingCentre"("id"),
  "active" BOOLEAN NOT NULL DEFAULT true,
  "note" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

ALTER TABLE "Case" ADD COLUMN "routingRuleId" TEXT REFERENCES "RoutingRule"("id");
