# expect: 6:3 a missing value '?'; the header says @missing false (line 3)
@problemName Broken
@missing false
@classLabel true a b
@data
1,?,3:a
