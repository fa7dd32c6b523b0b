package nwb

// SetSpikeBlock sets the block size of EachSpikeTrain and returns the old one.
func SetSpikeBlock(n int) int {
	old := spikeBlock
	spikeBlock = n
	return old
}
