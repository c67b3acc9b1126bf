"""England's statutory returns, built from the records: the CIN census (XML) and the SSDA903
looked-after children return (eleven CSV tables), the public validators that check them, and
the migration of a council's past returns into ICS."""
