mod federation;
