// Campaign plans (seed-selection jobs) and influencer lists: unique ids, lists found by name.
CREATE CONSTRAINT campaign_plan_id IF NOT EXISTS FOR (n:CampaignPlan) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT influencer_list_id IF NOT EXISTS FOR (n:InfluencerList) REQUIRE n.id IS UNIQUE;
CREATE INDEX influencer_list_name IF NOT EXISTS FOR (n:InfluencerList) ON (n.name);
