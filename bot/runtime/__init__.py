"""``riskbrief serve`` at run time: the HTTP server, the scheduler, leadership and metrics."""
