"""What every ICS service needs: configuration, storage, auth, errors and the server bootstrap."""
