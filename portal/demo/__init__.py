"""Demo content for trying the portal: ``flask --app app seed-demo``."""

from portal.demo.seed import demo_accounts, demo_org_number, seed_demo

__all__ = ["demo_accounts", "demo_org_number", "seed_demo"]
