"""Monthly report section builders (supply-chain analysis, policy tracker) over facts and documents."""
