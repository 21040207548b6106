"""The eligible population, the drawn sample and the allocation of cases (floor 2, above cases)."""
